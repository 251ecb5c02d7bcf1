import { DynamicModule, Global, Module } from '@nestjs/common';
import { collectDefaultMetrics, Registry } from 'prom-client';
import { ModelMetrics } from './model-metrics';

/**
 * One prom-client registry per application (not prom-client's global one), so an api and a worker running in
 * the same process, as the end-to-end tests do, each report only their own measurements.
 */
@Global()
@Module({})
export class MetricsModule {
  static forRoot(service: 'api' | 'worker'): DynamicModule {
    return {
      module: MetricsModule,
      providers: [
        {
          provide: Registry,
          useFactory: () => {
            const registry = new Registry();
            registry.setDefaultLabels({ service });
            collectDefaultMetrics({ register: registry });
            return registry;
          },
        },
        ModelMetrics,
      ],
      exports: [Registry, ModelMetrics],
    };
  }
}
