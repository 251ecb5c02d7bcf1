import { AsyncLocalStorage } from 'node:async_hooks';
import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import { InjectConnection } from '@nestjs/mongoose';
import type { Connection } from 'mongoose';
import { APP_CONFIG, AppConfig } from '@app/config';

interface Tally {
  count: number;
}

const tallies = new AsyncLocalStorage<Tally>();

/** The largest share of the time a sampling counter keeps async-context tracking on. */
const MOST_TRACKED = 0.05;

/**
 * The longest the share holds the next sample back, in intervals: one slow sample (a cold start, a first turn
 * computing its snapshot) must not stop sampling for minutes.
 */
const MOST_INTERVALS_HELD = 10;

/**
 * Counts the MongoDB commands a piece of work sends, as the driver saw them (command monitoring), not as our code
 * believes it sends them: a cache that quietly misses shows up here. Work started inside `count` is attributed
 * to it through async context, so concurrent pieces of work do not count each other's commands.
 *
 * That context costs: while any AsyncLocalStorage is in use, node runs promise hooks on every promise in the
 * process, and a chat turn streams through thousands (measured at 200 sockets: the api's CPU per turn 2.3 ms without
 * them, 2.9 with). So, unless CHAT_ROUND_TRIPS_SAMPLE_MS is 0, the counter samples: one piece of work at a time, at
 * most one per that interval, and the hooks are switched off again as soon as it ends. Under load a turn takes
 * longer to get ready, and the hooks would be on for much of the interval (at 200 sockets, sampling every 250 ms
 * kept most of their cost), so the next sample also waits until the tracking has been on at most MOST_TRACKED of
 * the time (up to MOST_INTERVALS_HELD intervals). Work it does not sample runs as it is and is counted as null.
 */
@Injectable()
export class RoundTripCounter implements OnModuleInit {
  private sampling = false;
  private nextSampleAt = -Infinity;

  constructor(
    @InjectConnection() private readonly connection: Connection,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  onModuleInit(): void {
    this.connection.getClient().on('commandStarted', () => {
      const tally = tallies.getStore();
      if (tally) tally.count++;
    });
  }

  /** Runs `work`, and says how many commands it (and everything it started and awaited) sent, when sampled. */
  async count<T>(work: () => Promise<T>): Promise<{ value: T; roundTrips: number | null }> {
    const intervalMs = this.config.chat.roundTripsSampleMs;
    if (intervalMs === 0) return this.counted(work);
    const started = Date.now();
    if (this.sampling || started < this.nextSampleAt) return { value: await work(), roundTrips: null };
    this.sampling = true;
    try {
      return await this.counted(work);
    } finally {
      tallies.disable();
      this.sampling = false;
      const share = (Date.now() - started) / MOST_TRACKED;
      this.nextSampleAt = started + Math.min(Math.max(intervalMs, share), intervalMs * MOST_INTERVALS_HELD);
    }
  }

  private async counted<T>(work: () => Promise<T>): Promise<{ value: T; roundTrips: number }> {
    const tally: Tally = { count: 0 };
    const value = await tallies.run(tally, work);
    return { value, roundTrips: tally.count };
  }
}
