import { Inject, Injectable, Optional } from '@nestjs/common';
import type Redis from 'ioredis';
import { APP_CONFIG, type AppConfig } from '@app/config';
import { FINANCIAL_CONTEXT_VERSION, type FinancialContext } from '@app/finance';
import { AppLogger } from '@app/logging';
import { REDIS_CLIENT } from '@app/queue';
import { FinancialContextService, type FinancialContextResult } from './financial-context.service';
import { LedgerVersionRepository } from './ledger-version.repository';

export interface FinancialSnapshot extends FinancialContextResult {
  /** The ledger version the figures were computed on (LedgerVersionRepository.versionOf). */
  version: string;
  /** ISO instant the figures were computed at. */
  computedAt: string;
  /** Served from Redis: the only ledger read was the freshness check. */
  cached: boolean;
}

/** What Redis holds per user. `format` changes when this shape does, so an older process's value is not misread. */
interface StoredSnapshot {
  format: typeof SNAPSHOT_FORMAT;
  version: string;
  /** ISO instant after which the figures may differ with no record changed (figuresValidUntil). */
  validUntil: string;
  computedAt: string;
  context: FinancialContext;
  prompt: string;
}

const SNAPSHOT_FORMAT = 1;

/**
 * A user's financial context and prompt block, computed once and kept in Redis for every api instance and worker.
 * Each call costs one Redis GET and, alongside it, one MongoDB command (LedgerVersionRepository.versionOf); the
 * stored figures are used only when they were computed on that same ledger version and their `validUntil` (next
 * local midnight, next upcoming copy, next overdue step) has not passed. Anything else, including a Redis that is
 * down, computes afresh (FinancialContextService), and misses for one user in one process share one computation.
 */
@Injectable()
export class FinancialSnapshotService {
  private readonly inFlight = new Map<string, Promise<FinancialSnapshot>>();

  constructor(
    private readonly finance: FinancialContextService,
    private readonly ledger: LedgerVersionRepository,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    // Optional: a context without QueueModule (a seeding tool) simply computes every time.
    @Optional() @Inject(REDIS_CLIENT) private readonly redis: Redis | null = null,
    @Optional() @Inject(AppLogger) private readonly logger: AppLogger | null = null,
  ) {}

  /**
   * Throws FinanceUserNotFoundError for an unknown or soft-deleted user, cached figures or not. `now` is for tests;
   * a back-dated job uses FinancialContextService.forUser.
   */
  async current(userId: string, opts: { now?: Date } = {}): Promise<FinancialSnapshot> {
    const [stored, version] = await Promise.all([this.read(userId), this.ledger.versionOf(userId)]);
    const now = opts.now ?? new Date();
    if (stored && stored.version === version && now.getTime() < Date.parse(stored.validUntil)) {
      const { context, prompt, computedAt } = stored;
      return { context, prompt, version, computedAt, cached: true };
    }
    return this.computeOnce(userId, version, now);
  }

  /** Drops the user's stored snapshot; the version check makes this an optimisation, never a correctness need. */
  async invalidate(userId: string): Promise<void> {
    if (!this.enabled()) return;
    await this.redis!.del(this.key(userId)).catch((err: unknown) => this.unavailable('delete', err));
  }

  /**
   * Keyed by version too: a caller that saw a newer version must not be handed figures read before the change.
   * The version is read before the ledger, so a change landing in between leaves a stored version that no longer
   * matches, and the next call recomputes.
   */
  private computeOnce(userId: string, version: string, now: Date): Promise<FinancialSnapshot> {
    const key = `${userId}:${version}`;
    let pending = this.inFlight.get(key);
    if (!pending) {
      pending = this.compute(userId, version, now).finally(() => this.inFlight.delete(key));
      this.inFlight.set(key, pending);
    }
    return pending;
  }

  private async compute(userId: string, version: string, now: Date): Promise<FinancialSnapshot> {
    const { context, prompt, validUntil } = await this.finance.computeAt(userId, now);
    const computedAt = now.toISOString();
    await this.write(userId, now, {
      format: SNAPSHOT_FORMAT,
      version,
      validUntil: validUntil.toISOString(),
      computedAt,
      context,
      prompt,
    });
    return { context, prompt, version, computedAt, cached: false };
  }

  private async read(userId: string): Promise<StoredSnapshot | null> {
    if (!this.enabled()) return null;
    let raw: string | null;
    try {
      raw = await this.redis!.get(this.key(userId));
    } catch (err) {
      this.unavailable('read', err);
      return null;
    }
    return raw === null ? null : parseStored(raw);
  }

  private async write(userId: string, now: Date, snapshot: StoredSnapshot): Promise<void> {
    if (!this.enabled()) return;
    // Kept no longer than it can be used: past validUntil it is a miss anyway.
    const ttlMs = Math.min(this.config.snapshots.ttlS * 1000, Date.parse(snapshot.validUntil) - now.getTime());
    if (ttlMs <= 0) return;
    try {
      await this.redis!.set(this.key(userId), JSON.stringify(snapshot), 'PX', Math.ceil(ttlMs));
    } catch (err) {
      this.unavailable('write', err);
    }
  }

  private enabled(): boolean {
    return this.redis !== null && this.config.snapshots.ttlS > 0;
  }

  private key(userId: string): string {
    return `${this.config.queue.prefix}:snapshot:${userId}`;
  }

  /** The figures are still computed; the log says why the cache was skipped, never whose or what. */
  private unavailable(op: 'read' | 'write' | 'delete', err: unknown): void {
    const code = (err as { code?: unknown })?.code;
    this.logger?.event('warn', 'snapshot.cache_unavailable', {
      op,
      error: typeof code === 'string' ? code : err instanceof Error ? err.name : 'unknown',
    });
  }
}

/** A value this code did not write (another format, a truncated write) is a miss, not an error. */
function parseStored(raw: string): StoredSnapshot | null {
  let v: Partial<StoredSnapshot>;
  try {
    v = JSON.parse(raw) as Partial<StoredSnapshot>;
  } catch {
    return null;
  }
  const ok =
    v?.format === SNAPSHOT_FORMAT &&
    typeof v.version === 'string' &&
    typeof v.validUntil === 'string' &&
    typeof v.computedAt === 'string' &&
    typeof v.prompt === 'string' &&
    v.context?.version === FINANCIAL_CONTEXT_VERSION;
  return ok ? (v as StoredSnapshot) : null;
}
