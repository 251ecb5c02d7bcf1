import { Inject, Injectable } from '@nestjs/common';
import Redis from 'ioredis';
import { APP_CONFIG, AppConfig, hasMoneyCap, SPENDING_CAP_FEATURES, SpendingCapFeature } from '@app/config';
import { AppLogger } from '@app/logging';
import { REDIS_CLIENT } from '@app/queue';
import { CAP_FEATURE_OF, LlmFeature, localDay, microUsd, TokenUsage, totalTokens } from './reservation';
import { CapScope, CapUnit, SpendingCapError } from './spending-cap.error';

/** A day's counters outlive it by an hour, so a call that straddles midnight settles into the day it reserved in. */
const SETTLE_GRACE_MS = 3_600_000;

/**
 * KEYS[1]: the user's counters for the day. ARGV[1]: when they expire (ms). Then one triple per cap: the counter,
 * what this call reserves on it, and its limit (0 = no cap). Refuses (the cap's 1-based position) when any capped
 * counter is already at its limit; otherwise adds every amount. One script, so concurrent calls from every api and
 * worker instance are admitted one at a time: once a call takes a counter past its limit, the next is refused.
 */
const RESERVE_SCRIPT = `
local n = (#ARGV - 1) / 3
for i = 0, n - 1 do
  local limit = tonumber(ARGV[4 + 3 * i])
  if limit > 0 and tonumber(redis.call('HGET', KEYS[1], ARGV[2 + 3 * i]) or '0') >= limit then
    return i + 1
  end
end
for i = 0, n - 1 do
  redis.call('HINCRBY', KEYS[1], ARGV[2 + 3 * i], ARGV[3 + 3 * i])
end
redis.call('PEXPIREAT', KEYS[1], ARGV[1])
return 0
`;

/**
 * KEYS[1]: the user's counters for the day. ARGV[1]: when they expire (ms). Then one pair per counter: the field and
 * what to add to it. One command rather than a MULTI of one HINCRBY per counter: every model call settles, and each
 * command costs the api a parse and Redis a dispatch.
 */
const SETTLE_SCRIPT = `
for i = 2, #ARGV, 2 do
  redis.call('HINCRBY', KEYS[1], ARGV[i], ARGV[i + 1])
end
redis.call('PEXPIREAT', KEYS[1], ARGV[1])
return 0
`;

/** The scripts defined on the shared client (sent by SHA, not as text on every call); the names are ours alone. */
const RESERVE = 'spendingCapReserve';
const SETTLE = 'spendingCapSettle';

type CapScripts = Record<
  typeof RESERVE | typeof SETTLE,
  (key: string, ...args: (string | number)[]) => Promise<unknown>
>;

/** One counter a call is checked against and charged to. */
interface CapLine {
  scope: CapScope;
  unit: CapUnit;
  field: string;
  /** Tokens, or micro-dollars. */
  limit: number;
}

/** What a call holds against the caps until it settles. */
export interface Reservation {
  key: string;
  expireAt: number;
  feature: SpendingCapFeature;
  model: string;
  reserved: TokenUsage;
  reservedMicroUsd: number;
}

export interface UsageLine {
  used: number;
  /** null: this unit is not capped. */
  limit: number | null;
  remaining: number | null;
}

export interface CapUsage {
  tokens: UsageLine;
  usd: UsageLine;
}

export interface UsageToday {
  day: string;
  timeZone: string;
  resetsAt: string;
  overall: CapUsage;
  features: Record<SpendingCapFeature, CapUsage>;
}

/**
 * Per-user daily caps on model spending, in tokens and in money, per feature and overall, shared by every api and
 * worker instance through Redis (one hash per user and local day, a counter per feature and unit). A call reserves
 * its estimated prompt plus its longest answer before it is made and settles at what it was charged after, so
 * parallel calls overshoot a cap by at most one call's reservation. LlmService reserves for every model call.
 */
@Injectable()
export class SpendingCaps {
  private readonly warnedUnpriced = new Set<string>();

  constructor(
    @Inject(REDIS_CLIENT) private readonly redis: Redis,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly logger: AppLogger,
  ) {
    if (!(RESERVE in redis)) redis.defineCommand(RESERVE, { numberOfKeys: 1, lua: RESERVE_SCRIPT });
    if (!(SETTLE in redis)) redis.defineCommand(SETTLE, { numberOfKeys: 1, lua: SETTLE_SCRIPT });
  }

  /**
   * Holds `reserved` against the user's caps for the task's feature, or throws SpendingCapError when one is already
   * spent. null for a task that is not a user's spend. Redis errors propagate: without the counters no call is made.
   */
  async reserve(
    userId: string | null | undefined,
    task: LlmFeature,
    model: string,
    reserved: TokenUsage,
    now = new Date(),
  ): Promise<Reservation | null> {
    const feature = CAP_FEATURE_OF[task];
    if (!feature) return null;
    if (!userId) throw new Error(`A ${task} model call must name the user it spends for`);
    const { key, expireAt, endsAt } = this.today(userId, now);
    const micro = this.price(model, reserved);
    const lines = this.linesFor(feature);
    const amounts = lines.map((l) => (l.unit === 'tokens' ? totalTokens(reserved) : micro));
    const refused = Number(
      await (this.redis as unknown as CapScripts)[RESERVE](
        key,
        expireAt,
        ...lines.flatMap((l, i) => [l.field, amounts[i], l.limit]),
      ),
    );
    if (refused > 0) {
      const line = lines[refused - 1];
      throw new SpendingCapError(line.scope, line.unit, endsAt, now);
    }
    return { key, expireAt, feature, model, reserved, reservedMicroUsd: micro };
  }

  /**
   * Replaces a reservation with what the call was charged. Never throws, so a good answer is not lost over
   * accounting: a settlement that fails leaves the reservation counted, which errs on the side of the cap.
   */
  async settle(reservation: Reservation | null, charged: TokenUsage): Promise<void> {
    if (!reservation) return;
    const tokens = totalTokens(charged) - totalTokens(reservation.reserved);
    const micro = this.price(reservation.model, charged) - reservation.reservedMicroUsd;
    const changes = this.linesFor(reservation.feature).flatMap((line) => {
      const delta = line.unit === 'tokens' ? tokens : micro;
      return delta !== 0 ? [line.field, delta] : [];
    });
    try {
      await (this.redis as unknown as CapScripts)[SETTLE](reservation.key, reservation.expireAt, ...changes);
    } catch (err) {
      this.logger.event('warn', 'caps.settle_failed', { feature: reservation.feature, error: err });
    }
  }

  /** For routes that queue model work: refuse up front when a cap the work would spend from is already spent. */
  async assertAvailable(userId: string, feature: SpendingCapFeature, now = new Date()): Promise<void> {
    const { key, endsAt } = this.today(userId, now);
    const lines = this.linesFor(feature);
    const used = await this.redis.hmget(key, ...lines.map((l) => l.field));
    const spent = lines.find((l, i) => l.limit > 0 && Number(used[i] ?? 0) >= l.limit);
    if (spent) throw new SpendingCapError(spent.scope, spent.unit, endsAt, now);
  }

  /** The user's use today and what is left, per feature and overall; calls still running count at their reservation. */
  async usageToday(userId: string, now = new Date()): Promise<UsageToday> {
    const { key, dayKey, endsAt } = this.today(userId, now);
    const counters = await this.redis.hgetall(key);
    // Counted in whole units (tokens, micro-dollars) and only then scaled, so dollars carry no float noise.
    const line = (used: number, limit: number, scale: number): UsageLine => ({
      used: used / scale,
      limit: limit > 0 ? limit / scale : null,
      remaining: limit > 0 ? Math.max(0, limit - used) / scale : null,
    });
    const usage = (scope: CapScope): CapUsage => {
      const [tokens, usd] = this.capLines(scope).map((l) =>
        line(Math.max(0, Number(counters[l.field] ?? 0)), l.limit, l.unit === 'usd' ? 1e6 : 1),
      );
      return { tokens, usd };
    };
    const features = Object.fromEntries(SPENDING_CAP_FEATURES.map((f) => [f, usage(f)])) as UsageToday['features'];
    return {
      day: dayKey,
      timeZone: this.config.locale.timeZone,
      resetsAt: endsAt.toISOString(),
      overall: usage('overall'),
      features,
    };
  }

  private today(userId: string, now: Date) {
    const { dayKey, endsAt } = localDay(now, this.config.locale.timeZone);
    return {
      key: `${this.config.queue.prefix}:spend:${userId}:${dayKey}`,
      dayKey,
      endsAt,
      expireAt: endsAt.getTime() + SETTLE_GRACE_MS,
    };
  }

  /** The feature's counters, then the overall ones; the order names the cap a refusal reports. */
  private linesFor(feature: SpendingCapFeature): CapLine[] {
    return [...this.capLines(feature), ...this.capLines('overall')];
  }

  /** One scope's counters: tokens, then micro-dollars. */
  private capLines(scope: CapScope): [CapLine, CapLine] {
    const limits = scope === 'overall' ? this.config.caps.overall : this.config.caps.features[scope];
    return [
      { scope, unit: 'tokens', field: `${scope}:tokens`, limit: limits.tokens },
      { scope, unit: 'usd', field: `${scope}:microusd`, limit: Math.round(limits.usd * 1e6) },
    ];
  }

  /** Micro-dollars, or 0 for a model without a price: money caps cannot count it (production refuses that). */
  private price(model: string, usage: TokenUsage): number {
    const micro = microUsd(this.config.llm.prices, model, usage);
    if (micro !== null) return micro;
    if (hasMoneyCap(this.config.caps) && !this.warnedUnpriced.has(model)) {
      this.warnedUnpriced.add(model);
      this.logger.event('warn', 'caps.model_unpriced', { model });
    }
    return 0;
  }
}
