import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '@app/config';
import { buildFinancialContext, renderContextForPrompt, type FinancialContext } from '@app/finance';
import { FinanceInputsRepository } from './finance-inputs.repository';
import { figuresValidUntil } from './figures-valid-until';

export interface FinancialContextResult {
  context: FinancialContext;
  /** `renderContextForPrompt(context)`: the block chat and jobs put in the system prompt. */
  prompt: string;
}

/**
 * The user's financial context for chat and jobs: a fixed number of aggregations (FINANCE_INPUTS_QUERY_COUNT),
 * then pure maths. Currency and locale come from config, and so does the zone (TIME_ZONE) unless the user document
 * carries a valid zone of its own, which the repository then uses for that user's months (`context.timeZone` says
 * which), so month edges and formatted figures agree with what the user sees in the app.
 */
@Injectable()
export class FinancialContextService {
  constructor(
    private readonly inputs: FinanceInputsRepository,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /**
   * Always reads the ledger (FinancialSnapshotService is the cached way in). Throws FinanceUserNotFoundError for an
   * unknown or soft-deleted user. `now` is for tests and back-dated jobs.
   */
  async forUser(userId: string, opts: { now?: Date } = {}): Promise<FinancialContextResult> {
    const { context, prompt } = await this.computeAt(userId, opts.now ?? new Date());
    return { context, prompt };
  }

  /** forUser at `now`, and the moment its figures go stale even if no record changes (figuresValidUntil). */
  async computeAt(userId: string, now: Date): Promise<FinancialContextResult & { validUntil: Date }> {
    const { timeZone, currency, locale } = this.config.locale;
    const inputs = await this.inputs.load(userId, { now, timeZone });
    const context = buildFinancialContext(inputs, { now, timeZone, currency, locale });
    return {
      context,
      prompt: renderContextForPrompt(context),
      validUntil: figuresValidUntil(context, inputs.nextUpcomingAt, now),
    };
  }
}
