import { ConfigError } from './config.schema';
import { DEV_JWT_SECRET, OFFLINE_DEMO_API_KEY } from './development-defaults';

/** HS256 wants a key at least as long as its 256-bit output (RFC 7518 §3.2). */
export const MIN_PRODUCTION_JWT_SECRET_BYTES = 32;

interface ProductionSettings {
  jwtSecret: string;
  apiKey: string;
  offlineDemo: boolean;
}

/**
 * Development conveniences that must never reach production: the public development secret (anyone could sign a
 * token for any user), a secret short enough to guess, and the offline demo model (canned answers, not AI).
 * Throws ConfigError naming the setting; messages never echo a secret's value.
 */
export function assertProductionSafe(settings: ProductionSettings): void {
  if (settings.jwtSecret === DEV_JWT_SECRET) {
    throw new ConfigError(
      'JWT_SECRET',
      'is the public development secret, which anyone can use to sign tokens; set the secret the main backend signs with',
    );
  }
  const bytes = Buffer.byteLength(settings.jwtSecret, 'utf8');
  if (bytes < MIN_PRODUCTION_JWT_SECRET_BYTES) {
    throw new ConfigError(
      'JWT_SECRET',
      `must be at least ${MIN_PRODUCTION_JWT_SECRET_BYTES} bytes in production (it is ${bytes})`,
    );
  }
  if (settings.offlineDemo) {
    throw new ConfigError('LLM_OFFLINE_DEMO', 'must be false in production: the offline demo model is not AI');
  }
  if (settings.apiKey === OFFLINE_DEMO_API_KEY) {
    throw new ConfigError('OPENAI_API_KEY', "is the offline demo model's key; set a real model's key in production");
  }
}
