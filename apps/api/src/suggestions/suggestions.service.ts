import { InjectQueue } from '@nestjs/bullmq';
import { Inject, Injectable, NotFoundException } from '@nestjs/common';
import { Queue } from 'bullmq';
import { APP_CONFIG, AppConfig } from '@app/config';
import { SuggestionDoc, SuggestionsRepository, SuggestionTip } from '@app/database';
import { localDateKey } from '@app/finance';
import { DAILY_JOB_NAMES, jobIds, QUEUES, SuggestionJobData } from '@app/queue';
import { SpendingCapCheck } from '../usage/spending-cap-check';

export interface SuggestionSetView {
  id: string;
  status: SuggestionDoc['status'];
  source: SuggestionDoc['source'];
  date: string;
  tips: SuggestionTip[];
  error: string | null;
  createdAt: Date;
  completedAt: Date | null;
}

function toView(doc: SuggestionDoc): SuggestionSetView {
  return {
    id: String(doc._id),
    status: doc.status,
    source: doc.source,
    date: doc.dateKey,
    tips: doc.tips ?? [],
    error: doc.error ?? null,
    createdAt: doc.createdAt,
    completedAt: doc.completedAt ?? null,
  };
}

@Injectable()
export class SuggestionsService {
  constructor(
    private readonly sets: SuggestionsRepository,
    @InjectQueue(QUEUES.suggestions) private readonly queue: Queue<SuggestionJobData>,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly caps: SpendingCapCheck,
  ) {}

  async latest(userId: string): Promise<SuggestionSetView> {
    const doc = await this.sets.latestCompleted(userId);
    if (!doc)
      throw new NotFoundException({
        code: 'not_found',
        message: 'No suggestions yet: they are made daily, or ask for a refresh',
      });
    return toView(doc);
  }

  async get(userId: string, id: string): Promise<SuggestionSetView> {
    const doc = await this.sets.findForUser(id, userId);
    if (!doc) throw new NotFoundException({ code: 'not_found', message: 'Suggestion set not found' });
    return toView(doc);
  }

  /**
   * Queues a new set for the caller. A refresh still pending is reused rather than doubled; its job is
   * re-added under the same id, which BullMQ ignores unless the job was lost.
   */
  async refresh(userId: string): Promise<SuggestionSetView> {
    const pending = await this.sets.findPendingRefresh(userId);
    if (!pending) await this.caps.assertAvailable(userId, 'suggestions');
    const doc =
      pending ?? (await this.sets.createRefresh(userId, localDateKey(new Date(), this.config.locale.timeZone)));
    const suggestionId = String(doc._id);
    try {
      await this.queue.add(
        DAILY_JOB_NAMES.suggest,
        { userId, dateKey: doc.dateKey, suggestionId },
        { jobId: jobIds.suggestionRefresh(suggestionId) },
      );
    } catch (err) {
      if (!pending)
        await this.sets.fail(doc._id, 'Could not queue the request; please try again').catch(() => undefined);
      throw err;
    }
    return toView(doc);
  }
}
