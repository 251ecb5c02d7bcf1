import { Injectable } from '@nestjs/common';
import { Counter, Histogram, Registry } from 'prom-client';

export interface ModelCall {
  feature: string;
  model: string;
  seconds: number;
  inputTokens: number;
  outputTokens: number;
  /** null when OPENAI_PRICES has no price for the model. */
  costUsd: number | null;
  /** A user's stop is not a failure; `failed` carries the LlmError kind as the reason. */
  outcome: 'ok' | 'stopped' | 'failed';
  reason?: string;
}

/** Model calls by feature and model: latency, tokens, estimated cost and failures. */
@Injectable()
export class ModelMetrics {
  private readonly duration: Histogram<'feature' | 'model' | 'outcome'>;
  private readonly tokens: Counter<'feature' | 'model' | 'kind'>;
  private readonly cost: Counter<'feature' | 'model'>;
  private readonly failures: Counter<'feature' | 'model' | 'reason'>;

  constructor(registry: Registry) {
    this.duration = new Histogram({
      name: 'llm_request_duration_seconds',
      help: 'Model call duration, whole answer (streamed replies included), by feature, model and outcome',
      labelNames: ['feature', 'model', 'outcome'],
      buckets: [0.25, 0.5, 1, 2, 4, 8, 15, 30, 60, 120],
      registers: [registry],
    });
    this.tokens = new Counter({
      name: 'llm_tokens_total',
      help: 'Model tokens spent, kind input (prompt) or output (answer), by feature and model',
      labelNames: ['feature', 'model', 'kind'],
      registers: [registry],
    });
    this.cost = new Counter({
      name: 'llm_cost_usd_total',
      help: 'Estimated model cost in USD (OPENAI_PRICES) by feature and model; unpriced models are not counted',
      labelNames: ['feature', 'model'],
      registers: [registry],
    });
    this.failures = new Counter({
      name: 'llm_failures_total',
      help: 'Failed model calls by feature, model and reason (timeout, rate_limited, unavailable, invalid_output, ...)',
      labelNames: ['feature', 'model', 'reason'],
      registers: [registry],
    });
  }

  record(call: ModelCall): void {
    const { feature, model } = call;
    this.duration.observe({ feature, model, outcome: call.outcome }, call.seconds);
    this.tokens.inc({ feature, model, kind: 'input' }, call.inputTokens);
    this.tokens.inc({ feature, model, kind: 'output' }, call.outputTokens);
    if (call.costUsd !== null) this.cost.inc({ feature, model }, call.costUsd);
    if (call.outcome === 'failed') this.failures.inc({ feature, model, reason: call.reason ?? 'unknown' });
  }
}
