import { OnWorkerEvent, Processor, WorkerHost } from '@nestjs/bullmq';
import { Inject } from '@nestjs/common';
import { Job } from 'bullmq';
import { APP_CONFIG, AppConfig } from '@app/config';
import { ConversationsRepository, MessagesRepository } from '@app/database';
import { LlmError, LlmService } from '@app/llm';
import { AppLogger } from '@app/logging';
import {
  buildTitleMessages,
  detectLanguage,
  fallbackTitle,
  languageName,
  normaliseTitle,
  TITLE_SCHEMA,
  TitleAnswer,
} from '@app/prompts';
import { QUEUES, TitleJobData, UserEventsPublisher } from '@app/queue';
import { logFailedAttempt, recordIdOf, runJob, verifyJobOwner } from '../common/job-failure';

/**
 * What a title job did, as the board shows it: named by the model, by the conversation's first words (`reason`, a
 * code, says why the model's title was not used), or nothing to do. Never the title itself: it is the user's words
 * or the model's, and the board is no place for either.
 */
export interface TitleOutcome {
  source: 'model' | 'fallback' | 'unchanged';
  titled: boolean;
  /** The model failure's kind ('invalid_output', 'unavailable', ...), or 'offline_demo'. */
  reason?: string;
}

/** Why a title came from the first words when no model was asked. */
export const OFFLINE_DEMO = 'offline_demo';

/** The conversation a job names, and its owner as the stored conversation says. */
interface TitleTarget {
  job: Job<TitleJobData>;
  conversationId: string;
  userId: string;
}

/** Names a conversation after its first exchange, in the conversation's language, and tells the user's sockets. */
@Processor(QUEUES.titles)
export class TitleProcessor extends WorkerHost {
  constructor(
    private readonly conversations: ConversationsRepository,
    private readonly messages: MessagesRepository,
    private readonly llm: LlmService,
    private readonly events: UserEventsPublisher,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly logger: AppLogger,
  ) {
    super();
  }

  /** The conversation and its owner come from the stored record; the job data only names it (verifyJobOwner). */
  async process(job: Job<TitleJobData>): Promise<TitleOutcome> {
    const conversationId = recordIdOf(job.data, 'conversationId');
    const conversation = await this.conversations.findById(conversationId);
    // Deleted meanwhile: nothing to do.
    if (!conversation) return { source: 'unchanged', titled: false };
    const userId = verifyJobOwner(job.data, conversation.userId, 'conversation');
    // Renamed by the user, or already named by an earlier attempt: nothing to do.
    if (conversation.title) return { source: 'unchanged', titled: true };
    const exchange = await this.messages.firstMessages(conversationId, 2);
    if (exchange.length === 0) return { source: 'unchanged', titled: false };
    const target = { job, conversationId, userId };
    // The offline demo model cannot name anything: the first words do, without a model call.
    if (this.config.llm.offlineDemo) return this.useFallback(target, exchange[0].content, OFFLINE_DEMO);
    const language = languageName(conversation.language) ?? detectLanguage(exchange[0].content)?.name ?? null;
    const named = async (): Promise<TitleOutcome> => {
      const { value, accounted } = await this.llm.completeJson<TitleAnswer>({
        feature: 'titles',
        userId,
        schemaName: 'conversation_title',
        schema: TITLE_SCHEMA,
        messages: buildTitleMessages({
          exchange: exchange.map((m) => ({ role: m.role, content: m.content })),
          languageName: language,
        }),
        signal: AbortSignal.timeout(this.config.queue.jobTimeoutMs),
      });
      await accounted;
      const title = normaliseTitle(value.title);
      if (!title) throw new LlmError('invalid_output', 'Title was not 3-6 words');
      return { source: 'model', titled: await this.save(target, title) };
    };
    // The conversation still gets a title, so the job did its work and completes, the fallback noted.
    return runJob(job, named, {
      fallback: (failure) => this.useFallback(target, exchange[0].content, failure.errorKind),
    });
  }

  private async useFallback(target: TitleTarget, firstMessage: string, reason: string): Promise<TitleOutcome> {
    const titled = await this.save(target, fallbackTitle(firstMessage));
    this.logger.event('info', 'title.fallback', { queue: QUEUES.titles, jobId: target.job.id, reason });
    return { source: 'fallback', titled, reason };
  }

  /** Stores an automatic title unless the user named the conversation meanwhile, and tells the owner's sockets. */
  private async save({ conversationId, userId }: TitleTarget, title: string): Promise<boolean> {
    const saved = await this.conversations.setAutoTitle(conversationId, title);
    if (saved?.title) this.events.toUser(userId, 'conversation:title', { conversationId, title: saved.title });
    return Boolean(saved?.title);
  }

  @OnWorkerEvent('failed')
  onFailed(job: Job<TitleJobData> | undefined, err: Error): void {
    logFailedAttempt(this.logger, QUEUES.titles, job, err);
  }
}
