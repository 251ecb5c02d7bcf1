import { Injectable } from '@nestjs/common';
import { AlertsRepository, FinanceUserNotFoundError, FinancialSnapshotService, toObjectId } from '@app/database';
import { LlmService } from '@app/llm';
import {
  ALERT_WORDING_PROMPT_VERSION,
  AlertWordingAnswer,
  alertWordingSchema,
  buildAlertWordingMessages,
} from '@app/prompts';
import { flagFact, flagKey, flagToWord, toWording } from './flag-wording';

/**
 * New flags worded (and raised) per user per screening: the most severe first. A user with hundreds of overdue
 * debts costs one bounded model call; the flags left out are raised on later days, once these have alerts.
 */
export const ALERT_FLAGS_PER_RUN = 10;

export interface ScreeningResult {
  status: 'screened' | 'skipped';
  flags: number;
  created: number;
}

/**
 * Screens one user: the finance core decides which red flags fire and with what figures; alerts are raised for
 * flags without an unresolved alert, worded in one model call. Alerts whose flag stopped firing are marked
 * `stillFiring: false` but stay open: resolving is an admin's decision.
 */
@Injectable()
export class AlertScreening {
  constructor(
    private readonly finance: FinancialSnapshotService,
    private readonly alerts: AlertsRepository,
    private readonly llm: LlmService,
  ) {}

  async screen(userId: string, dateKey: string, signal: AbortSignal): Promise<ScreeningResult> {
    let context;
    try {
      ({ context } = await this.finance.current(userId));
    } catch (err) {
      if (err instanceof FinanceUserNotFoundError) return { status: 'skipped', flags: 0, created: 0 };
      throw err;
    }
    const now = new Date();
    const flags = context.redFlags.map((flag) => ({ flag, key: flagKey(flag) }));
    const known = new Set((await this.alerts.unresolvedForUser(userId)).map((a) => a.flagKey));
    await this.alerts.markScreened(
      userId,
      flags.map((f) => f.key),
      now,
    );

    // The finance core lists flags most severe first.
    const fresh = flags.filter((f) => !known.has(f.key)).slice(0, ALERT_FLAGS_PER_RUN);
    if (fresh.length === 0) return { status: 'screened', flags: flags.length, created: 0 };

    // Short positional keys for the model; it never sees budget or debt ids.
    const promptKeys = fresh.map((_, i) => `flag_${i + 1}`);
    const format = { currency: context.currency, locale: context.locale, timeZone: context.timeZone };
    const { value, model, accounted } = await this.llm.completeJson<AlertWordingAnswer>({
      feature: 'alerts',
      userId,
      schemaName: 'alert_wording',
      schema: alertWordingSchema(promptKeys),
      messages: buildAlertWordingMessages(fresh.map((f, i) => flagToWord(f.flag, promptKeys[i], format))),
      signal,
    });
    await accounted;
    const wording = toWording(value, {
      currency: context.currency,
      locale: context.locale,
      facts: fresh.map((f, i) => flagFact(f.flag, promptKeys[i], format)),
    });

    let created = 0;
    for (const [i, { flag, key }] of fresh.entries()) {
      const { title, message } = wording.get(promptKeys[i])!;
      const inserted = await this.alerts.insert({
        userId: toObjectId(userId),
        code: flag.code,
        flagKey: key,
        severity: flag.severity,
        category: flag.category,
        subject: flag.subject,
        figures: flag.figures,
        threshold: flag.threshold,
        currency: context.currency,
        title,
        message,
        detectedOn: dateKey,
        lastScreenedAt: now,
        model,
        promptVersion: ALERT_WORDING_PROMPT_VERSION,
      });
      if (inserted) created++;
    }
    return { status: 'screened', flags: flags.length, created };
  }
}
