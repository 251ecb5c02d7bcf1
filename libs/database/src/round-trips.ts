import { AsyncLocalStorage } from 'node:async_hooks';
import { Injectable, OnModuleInit } from '@nestjs/common';
import { InjectConnection } from '@nestjs/mongoose';
import type { Connection } from 'mongoose';

interface Tally {
  count: number;
}

const tallies = new AsyncLocalStorage<Tally>();

/**
 * Counts the MongoDB commands a piece of work sends, as the driver saw them (command monitoring), not as our code
 * believes it sends them: a cache that quietly misses shows up here. Work started inside `count` is attributed
 * to it through async context, so concurrent turns do not count each other's commands.
 */
@Injectable()
export class RoundTripCounter implements OnModuleInit {
  constructor(@InjectConnection() private readonly connection: Connection) {}

  onModuleInit(): void {
    this.connection.getClient().on('commandStarted', () => {
      const tally = tallies.getStore();
      if (tally) tally.count++;
    });
  }

  /** Runs `work`, and says how many commands it (and everything it started and awaited) sent. */
  async count<T>(work: () => Promise<T>): Promise<{ value: T; roundTrips: number }> {
    const tally: Tally = { count: 0 };
    const value = await tallies.run(tally, work);
    return { value, roundTrips: tally.count };
  }
}
