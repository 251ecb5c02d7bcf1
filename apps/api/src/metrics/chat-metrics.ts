import { Injectable } from '@nestjs/common';
import { Histogram, Registry } from 'prom-client';

interface DeltaSink {
  delta(...args: never[]): void;
}

/**
 * Chat time to first token (from the turn reaching the chat service to the first piece of reply text), and how many
 * MongoDB round trips a turn waited on before calling the model: the hot path's two promises to operators.
 */
@Injectable()
export class ChatMetrics {
  private readonly firstToken: Histogram<'model'>;
  private readonly beforeModel: Histogram;

  constructor(registry: Registry) {
    this.firstToken = new Histogram({
      name: 'chat_time_to_first_token_seconds',
      help: 'Chat turn start (message accepted by the chat service) to the first reply text, by model',
      labelNames: ['model'],
      buckets: [0.1, 0.25, 0.5, 0.75, 1, 1.5, 2, 3, 5, 8, 13, 20],
      registers: [registry],
    });
    this.beforeModel = new Histogram({
      name: 'chat_mongo_round_trips_before_model',
      help: 'MongoDB commands a new chat turn waited on before calling the model (1 on a warm snapshot), in the turns sampled (CHAT_ROUND_TRIPS_SAMPLE_MS)',
      buckets: [0, 1, 2, 3, 5, 8, 13],
      registers: [registry],
    });
  }

  roundTripsBeforeModel(count: number): void {
    this.beforeModel.observe(count);
  }

  /**
   * The same sink, timing its first delta. A proxy rather than a copy, so whatever else the transport's sink
   * carries (and its `this`) is untouched. Turns that never stream (a replayed duplicate, a failure) record nothing.
   */
  timeFirstDelta<S extends DeltaSink>(sink: S, model: string): S {
    const end = this.firstToken.startTimer({ model });
    let waiting = true;
    return new Proxy(sink, {
      get(target, prop) {
        const value: unknown = Reflect.get(target, prop, target);
        if (typeof value !== 'function') return value;
        if (prop !== 'delta') return value.bind(target);
        return (...args: unknown[]) => {
          if (waiting) {
            waiting = false;
            end();
          }
          return value.apply(target, args);
        };
      },
    });
  }
}
