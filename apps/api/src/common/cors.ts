import { AppConfig } from '@app/config';

/**
 * '*' means any origin WITHOUT credentials: echoing every origin with credentials would let any site
 * ride a browser's basic-auth login to the queue dashboard. We authenticate with bearer tokens, which
 * need no credentials mode; credentials are only allowed for an explicit origin list.
 */
export function corsOptions(config: AppConfig): { origin: string | string[]; credentials: boolean } {
  const origins = config.http.corsOrigins;
  return origins.includes('*') ? { origin: '*', credentials: false } : { origin: origins, credentials: true };
}
