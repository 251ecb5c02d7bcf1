import { ConfigError } from './config.schema';
import type { ModelPrices } from './model-prices';

/** The features a user's daily model spending is capped by; titles count as chat. */
export const SPENDING_CAP_FEATURES = ['chat', 'reports', 'parsing', 'suggestions'] as const;
export type SpendingCapFeature = (typeof SPENDING_CAP_FEATURES)[number];

/** One cap in both units; 0 = that unit is not capped. */
export interface CapLimits {
  usd: number;
  tokens: number;
}

export interface SpendingCapsConfig {
  overall: CapLimits;
  features: Record<SpendingCapFeature, CapLimits>;
}

/**
 * AI_DAILY_FEATURE_CAPS: `{"chat":{"usd":0.5,"tokens":200000}, ...}`. A feature or unit left out keeps its
 * default, so a deployment can tighten one cap without restating the others.
 */
export function parseFeatureCaps(raw: unknown, defaults: unknown): Record<SpendingCapFeature, CapLimits> {
  const base = checkedFeatureCaps(defaults);
  const given = checkedFeatureCaps(raw);
  const merged = {} as Record<SpendingCapFeature, CapLimits>;
  for (const f of SPENDING_CAP_FEATURES) merged[f] = { ...base[f], ...given[f] } as CapLimits;
  return merged;
}

function checkedFeatureCaps(raw: unknown): Partial<Record<SpendingCapFeature, Partial<CapLimits>>> {
  const fail = (why: string) => new ConfigError('AI_DAILY_FEATURE_CAPS', why);
  if (!raw || typeof raw !== 'object' || Array.isArray(raw))
    throw fail(`must be a JSON object of feature -> {"usd": number, "tokens": integer}`);
  for (const [feature, caps] of Object.entries(raw)) {
    if (!(SPENDING_CAP_FEATURES as readonly string[]).includes(feature))
      throw fail(`has an unknown feature "${feature}" (known: ${SPENDING_CAP_FEATURES.join(', ')})`);
    if (!caps || typeof caps !== 'object' || Array.isArray(caps)) throw fail(`"${feature}" must be an object`);
    for (const [unit, value] of Object.entries(caps)) {
      if (unit !== 'usd' && unit !== 'tokens') throw fail(`"${feature}" has an unknown unit "${unit}" (usd, tokens)`);
      const ok = typeof value === 'number' && Number.isFinite(value) && value >= 0;
      if (!ok || (unit === 'tokens' && !Number.isInteger(value)))
        throw fail(`"${feature}.${unit}" must be ${unit === 'tokens' ? 'an integer' : 'a number'} >= 0`);
    }
  }
  return raw as Partial<Record<SpendingCapFeature, Partial<CapLimits>>>;
}

export function hasMoneyCap(caps: SpendingCapsConfig): boolean {
  return caps.overall.usd > 0 || SPENDING_CAP_FEATURES.some((f) => caps.features[f].usd > 0);
}

/**
 * A money cap counts only calls it can price: a model without a price would spend without limit. Production
 * refuses that; elsewhere the token caps still hold and the gap is the operator's to see in /admin/ai-usage.
 */
export function assertMoneyCapsPriced(models: string[], prices: ModelPrices, caps: SpendingCapsConfig): void {
  if (!hasMoneyCap(caps)) return;
  const unpriced = [...new Set(models)].filter((m) => !prices[m]);
  if (unpriced.length === 0) return;
  throw new ConfigError(
    'OPENAI_PRICES',
    `has no price for ${unpriced.map((m) => `"${m}"`).join(', ')}, so the money caps (AI_DAILY_CAP_USD, AI_DAILY_FEATURE_CAPS) cannot count it; add its price or set the money caps to 0`,
  );
}
