import { Module, OnApplicationBootstrap } from '@nestjs/common';
import { DiscoveryModule, DiscoveryService } from '@nestjs/core';
import { workerHosts } from '../common/worker-hosts';
import { JobMetrics } from './job-metrics';
import { WorkerMetricsServer } from './metrics-server';

/** The worker's job metrics and its metrics endpoint; model metrics come from @app/metrics. */
@Module({ imports: [DiscoveryModule], providers: [JobMetrics, WorkerMetricsServer], exports: [WorkerMetricsServer] })
export class WorkerMetricsModule implements OnApplicationBootstrap {
  constructor(
    private readonly discovery: DiscoveryService,
    private readonly jobs: JobMetrics,
  ) {}

  /** Workers exist once every module has initialised (@nestjs/bullmq creates them in onModuleInit). */
  onApplicationBootstrap(): void {
    for (const { worker } of workerHosts(this.discovery)) this.jobs.watch(worker);
  }
}
