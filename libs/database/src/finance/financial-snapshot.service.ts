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
  /** Not computed by this call (served from Redis or this process's memory): the only ledger read was the freshness check. */
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
 * Users whose parsed snapshot this process keeps. A hit saves reading and parsing the stored JSON on every turn;
 * a few hundred kilobytes per hundred users, and the oldest entry goes first.
 */
const REMEMBERED_USERS = 1000;

/** A snapshot this process has parsed or computed, with when it stops being usable. */
interface Remembered {
  snapshot: FinancialSnapshot;
  validUntilMs: number;
}

function served(stored: StoredSnapshot): FinancialSnapshot {
  const { context, prompt, computedAt, version } = stored;
  return { context, prompt, version, computedAt, cached: true };
}

/**
 * A user's financial context and prompt block, computed once and kept in Redis for every api instance and worker.
 * Each call costs one Redis MGET and, unless a check confirmed the stored version within SNAPSHOT_RECHECK_MS, one
 * MongoDB command (LedgerVersionRepository.versionOf); the stored figures are used only when they were computed on
 * that same ledger version and their `validUntil` (next local midnight, next upcoming copy, next overdue step) has
 * not passed. So a change in the main backend shows within SNAPSHOT_RECHECK_MS (0: on the next use). Anything else, including a Redis that is
 * down, computes afresh (FinancialContextService), and misses for one user in one process share one computation.
 *
 * Each process also remembers the snapshots it last served (deep-frozen: every caller shares them). While the
 * freshness marker, or the freshness check, names the remembered version, the call reads nothing else: one small
 * Redis GET on a warm turn.
 */
@Injectable()
export class FinancialSnapshotService {
  private readonly inFlight = new Map<string, Promise<FinancialSnapshot>>();
  private readonly remembered = new Map<string, Remembered>();

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
    const now = opts.now ?? new Date();
    const known = this.recall(userId, now);
    if (known) {
      const checked = await this.checkedVersion(userId);
      if (checked === known.version) return known;
      // Nobody checked recently: check here. A marker naming another version is a change another process saw.
      if (checked === null) {
        const version = await this.ledger.versionOf(userId);
        if (version === known.version) {
          this.markChecked(userId, version);
          return known;
        }
        const [stored] = await this.read(userId);
        return this.afterCheck(userId, version, stored, now);
      }
    }
    const [stored, checkedVersion] = await this.read(userId);
    // Checked within SNAPSHOT_RECHECK_MS by any instance: trusted without a MongoDB round trip.
    if (stored && checkedVersion === stored.version && this.usable(stored, now)) return this.remember(userId, stored);
    return this.afterCheck(userId, await this.ledger.versionOf(userId), stored, now);
  }

  /** The stored figures when they are of the version just checked and still usable, else figures computed afresh. */
  private async afterCheck(
    userId: string,
    version: string,
    stored: StoredSnapshot | null,
    now: Date,
  ): Promise<FinancialSnapshot> {
    if (stored && stored.version === version && this.usable(stored, now)) {
      this.markChecked(userId, version);
      return this.remember(userId, stored);
    }
    return this.computeOnce(userId, version, now);
  }

  /**
   * The user's ledger version as a freshness check found it within SNAPSHOT_RECHECK_MS (any instance), else from
   * one MongoDB aggregate: what a report request compares with its stored reports. Throws FinanceUserNotFoundError.
   */
  async version(userId: string): Promise<string> {
    const checked = await this.checkedVersion(userId);
    if (checked) return checked;
    const version = await this.ledger.versionOf(userId);
    this.markChecked(userId, version);
    return version;
  }

  private usable(stored: StoredSnapshot, now: Date): boolean {
    return now.getTime() < Date.parse(stored.validUntil);
  }

  /** Drops the user's stored snapshot; the version check makes this an optimisation, never a correctness need. */
  async invalidate(userId: string): Promise<void> {
    this.remembered.delete(userId);
    if (!this.enabled()) return;
    await this.redis!.del(this.key(userId), this.checkedKey(userId)).catch((err: unknown) =>
      this.unavailable('delete', err),
    );
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
    const stored: StoredSnapshot = {
      format: SNAPSHOT_FORMAT,
      version,
      validUntil: validUntil.toISOString(),
      computedAt: now.toISOString(),
      context,
      prompt,
    };
    await this.write(userId, now, stored);
    this.markChecked(userId, version);
    return { ...this.remember(userId, stored), cached: false };
  }

  /** A remembered snapshot still usable at `now`, or null. */
  private recall(userId: string, now: Date): FinancialSnapshot | null {
    const entry = this.remembered.get(userId);
    if (!entry) return null;
    if (now.getTime() < entry.validUntilMs) return entry.snapshot;
    this.remembered.delete(userId);
    return null;
  }

  private remember(userId: string, stored: StoredSnapshot): FinancialSnapshot {
    const snapshot = deepFreeze(served(stored));
    this.remembered.delete(userId);
    this.remembered.set(userId, { snapshot, validUntilMs: Date.parse(stored.validUntil) });
    if (this.remembered.size > REMEMBERED_USERS) this.remembered.delete(this.remembered.keys().next().value!);
    return snapshot;
  }

  /** The version a freshness check confirmed within SNAPSHOT_RECHECK_MS (any instance), or null. */
  private async checkedVersion(userId: string): Promise<string | null> {
    if (!this.enabled() || this.config.snapshots.recheckMs <= 0) return null;
    return this.redis!.get(this.checkedKey(userId)).catch((err: unknown) => {
      this.unavailable('read', err);
      return null;
    });
  }

  /** The stored snapshot and the version a recent freshness check confirmed (null when none is recent). */
  private async read(userId: string): Promise<[StoredSnapshot | null, string | null]> {
    if (!this.enabled()) return [null, null];
    let raw: (string | null)[];
    try {
      raw = await this.redis!.mget(this.key(userId), this.checkedKey(userId));
    } catch (err) {
      this.unavailable('read', err);
      return [null, null];
    }
    return [raw[0] === null ? null : parseStored(raw[0]), raw[1]];
  }

  /**
   * Trusted for 75-100% of SNAPSHOT_RECHECK_MS, at random: users whose checks happened together (a deploy, a burst of
   * traffic) would otherwise all need their next one in the same instant, and their turns would queue behind a herd
   * of freshness aggregates. A change still shows within SNAPSHOT_RECHECK_MS.
   *
   * Sent, not awaited: the caller already has what it checked, and a marker that is late or lost only costs a later
   * call the check. Redis runs one connection's commands in order, so this process's next read sees it anyway.
   */
  private markChecked(userId: string, version: string): void {
    const recheckMs = this.config.snapshots.recheckMs;
    if (!this.enabled() || recheckMs <= 0) return;
    const ms = Math.max(1, Math.round(recheckMs * (0.75 + Math.random() * 0.25)));
    this.redis!.set(this.checkedKey(userId), version, 'PX', ms).catch((err: unknown) => this.unavailable('write', err));
  }

  private checkedKey(userId: string): string {
    return `${this.key(userId)}:checked`;
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

/** Remembered figures are shared by every caller in the process: a caller that changed them would change them for all. */
function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}
