import { WorkerHost } from '@nestjs/bullmq';
import { DiscoveryService } from '@nestjs/core';

/** Every BullMQ processor of this worker process. */
export function workerHosts(discovery: DiscoveryService): WorkerHost[] {
  return discovery
    .getProviders()
    .map((wrapper) => wrapper.instance as unknown)
    .filter((instance): instance is WorkerHost => instance instanceof WorkerHost);
}
