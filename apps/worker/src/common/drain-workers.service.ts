import { BeforeApplicationShutdown, Injectable } from '@nestjs/common';
import { DiscoveryService } from '@nestjs/core';
import { workerHosts } from './worker-hosts';

/**
 * Closes every BullMQ worker (which waits for in-flight jobs) BEFORE other modules shut down:
 * Nest's own hook closes workers in the same phase as the Mongo connection, so a finishing job
 * could not store its result.
 */
@Injectable()
export class DrainWorkersService implements BeforeApplicationShutdown {
  constructor(private readonly discovery: DiscoveryService) {}

  async beforeApplicationShutdown(): Promise<void> {
    await Promise.all(workerHosts(this.discovery).map((host) => host.worker.close()));
  }
}
