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
import { isFinalAttempt, rethrowForQueue } from '../common/job-failure';

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

  async process(job: Job<TitleJobData>): Promise<{ title: string | null }> {
    const { conversationId, userId } = job.data;
    const conversation = await this.conversations.findById(conversationId);
    // Deleted, renamed by the user, or already named by an earlier attempt: nothing to do.
    if (!conversation || String(conversation.userId) !== userId || conversation.title)
      return { title: conversation?.title ?? null };
    const exchange = await this.messages.firstMessages(conversationId, 2);
    if (exchange.length === 0) return { title: null };
    const language = languageName(conversation.language) ?? detectLanguage(exchange[0].content)?.name ?? null;
    try {
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
      const saved = await this.conversations.setAutoTitle(conversationId, title);
      if (saved?.title) this.events.toUser(userId, 'conversation:title', { conversationId, title: saved.title });
      return { title: saved?.title ?? null };
    } catch (err) {
      if (isFinalAttempt(job) || !(err instanceof LlmError && err.retryable)) {
        const title = fallbackTitle(exchange[0].content);
        const saved = await this.conversations.setAutoTitle(conversationId, title);
        if (saved?.title) this.events.toUser(userId, 'conversation:title', { conversationId, title: saved.title });
      }
      return rethrowForQueue(err);
    }
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
