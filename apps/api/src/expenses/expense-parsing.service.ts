import { InjectQueue } from '@nestjs/bullmq';
import { Inject, Injectable, NotFoundException } from '@nestjs/common';
import { Queue } from 'bullmq';
import { APP_CONFIG, AppConfig } from '@app/config';
import { ExpenseParseDoc, ExpenseParsesRepository } from '@app/database';
import { ExpenseParseJobData, jobIds, QUEUES } from '@app/queue';
import { SpendingCapCheck } from '../usage/spending-cap-check';

export interface ExpenseParseView {
  id: string;
  status: ExpenseParseDoc['status'];
  text: string;
  result: ExpenseParseDoc['result'] | null;
  error: string | null;
  createdAt: Date;
  completedAt: Date | null;
}

function toView(doc: ExpenseParseDoc): ExpenseParseView {
  return {
    id: String(doc._id),
    status: doc.status,
    text: doc.text,
    result: doc.result ?? null,
    error: doc.error ?? null,
    createdAt: doc.createdAt,
    completedAt: doc.completedAt ?? null,
  };
}

@Injectable()
export class ExpenseParsingService {
  constructor(
    private readonly parses: ExpenseParsesRepository,
    @InjectQueue(QUEUES.expenseParsing) private readonly queue: Queue<ExpenseParseJobData>,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly caps: SpendingCapCheck,
  ) {}

  /**
   * The document is written before the job so a worker never sees a job without its record; if the queue
   * is down the record is marked failed and the caller gets a 503, never a 202 for work that was not queued.
   */
  async submit(userId: string, text: string): Promise<ExpenseParseView> {
    await this.caps.assertAvailable(userId, 'parsing');
    const doc = await this.parses.create(userId, text.trim());
    const parseId = String(doc._id);
    try {
      await this.queue.add('parse', { parseId, userId }, { jobId: jobIds.expenseParse(parseId) });
    } catch (err) {
      await this.parses.fail(parseId, 'Could not queue the request; please try again').catch(() => undefined);
      throw err;
    }
    return toView(doc);
  }

  async get(userId: string, id: string): Promise<ExpenseParseView> {
    const doc = await this.parses.findForUser(id, userId);
    if (!doc) throw new NotFoundException({ code: 'not_found', message: 'Expense parse not found' });
    return toView(doc);
  }

  categories(): string[] {
    return this.config.expenses.categories;
  }
}
