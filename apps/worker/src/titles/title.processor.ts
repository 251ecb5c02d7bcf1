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
import { runJob } from '../common/job-failure';

/**
 * What a title job did: named by the model, by the conversation's first words (`reason` says why the model's
 * title was not used), or nothing to do.
 */
export interface TitleOutcome {
  title: string | null;
  source: 'model' | 'fallback' | 'unchanged';
  reason?: string;
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

  async process(job: Job<TitleJobData>): Promise<TitleOutcome> {
    const { conversationId, userId } = job.data;
    const conversation = await this.conversations.findById(conversationId);
    // Deleted, renamed by the user, or already named by an earlier attempt: nothing to do.
    if (!conversation || String(conversation.userId) !== userId || conversation.title)
      return { title: conversation?.title ?? null, source: 'unchanged' };
    const exchange = await this.messages.firstMessages(conversationId, 2);
    if (exchange.length === 0) return { title: null, source: 'unchanged' };
    // The offline demo model cannot name anything: the first words do, without a model call.
    if (this.config.llm.offlineDemo) return this.useFallback(job, exchange[0].content, 'Offline demo model');
    const language = languageName(conversation.language) ?? detectLanguage(exchange[0].content)?.name ?? null;
    const named = async (): Promise<TitleOutcome> => {
      const { value } = await this.llm.completeJson<TitleAnswer>({
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
      const title = normaliseTitle(value.title);
      if (!title) throw new LlmError('invalid_output', 'Title was not 3-6 words');
      return { title: await this.save(job, title), source: 'model' };
    };
    // The conversation still gets a title, so the job did its work and completes, the fallback noted.
    return runJob(job, named, { fallback: (failure) => this.useFallback(job, exchange[0].content, failure.reason) });
  }

  private async useFallback(job: Job<TitleJobData>, firstMessage: string, reason: string): Promise<TitleOutcome> {
    const title = await this.save(job, fallbackTitle(firstMessage));
    this.logger.event('info', 'title.fallback', { queue: QUEUES.titles, jobId: job.id, reason });
    return { title, source: 'fallback', reason };
  }

  /** Stores an automatic title unless the user named the conversation meanwhile, and tells their sockets. */
  private async save(job: Job<TitleJobData>, title: string): Promise<string | null> {
    const { conversationId, userId } = job.data;
    const saved = await this.conversations.setAutoTitle(conversationId, title);
    if (saved?.title) this.events.toUser(userId, 'conversation:title', { conversationId, title: saved.title });
    return saved?.title ?? null;
  }

  @OnWorkerEvent('failed')
  onFailed(job: Job<TitleJobData> | undefined, err: Error): void {
    this.logger.event('warn', 'job.failed', {
      queue: QUEUES.titles,
      jobId: job?.id,
      attemptsMade: job?.attemptsMade,
      error: err.message,
    });
  }
}
