import pino, { DestinationStream } from 'pino';
import { prettyFactory } from 'pino-pretty';

/** `auto`: pretty when stdout is a terminal (a developer reading), JSON lines otherwise (a log shipper reading). */
export type LogFormat = 'auto' | 'json' | 'pretty';

export interface LogDestinationOptions {
  format?: LogFormat;
  /** Receives each finished line without its newline; stdout (synchronously) when absent. */
  write?: (line: string) => void;
  /** Colours in pretty output; defaults to whether stdout is a colour terminal. */
  colorize?: boolean;
}

const SHOWN_ELSEWHERE = new Set(['level', 'time', 'service', 'msg', 'context', 'pid', 'hostname']);

function fieldText(value: unknown): string {
  if (typeof value === 'string') return /^[^\s"=]+$/.test(value) ? value : JSON.stringify(value);
  return JSON.stringify(value) ?? String(value);
}

/** One short line per event: `service [context] message key=value ...`. */
function prettyMessage(log: Record<string, unknown>): string {
  const context = typeof log.context === 'string' ? ` [${log.context}]` : '';
  const fields = Object.entries(log)
    .filter(([k, v]) => !SHOWN_ELSEWHERE.has(k) && v !== undefined)
    .map(([k, v]) => `${k}=${fieldText(v)}`);
  return [`${String(log.service)}${context} ${String(log.msg ?? '')}`, ...fields].join(' ');
}

export function resolveFormat(format: LogFormat = 'auto'): 'json' | 'pretty' {
  if (format !== 'auto') return format;
  return process.stdout.isTTY ? 'pretty' : 'json';
}

/**
 * Where pino writes. Both kinds write synchronously in this process (no worker-thread transport), so the last
 * lines before an exit are never lost.
 */
export function logDestination(options: LogDestinationOptions = {}): DestinationStream {
  const format = resolveFormat(options.format);
  const stdout = options.write ? null : pino.destination({ sync: true });
  const write = options.write ?? ((line: string) => stdout!.write(line + '\n'));
  if (format === 'json') return stdout ?? { write: (chunk) => write(chunk.replace(/\n$/, '')) };
  const pretty = prettyFactory({
    colorize: options.colorize ?? (process.stdout.isTTY === true && process.stdout.hasColors?.() === true),
    translateTime: 'SYS:HH:MM:ss.l',
    hideObject: true,
    errorLikeObjectKeys: [],
    messageFormat: (log) => prettyMessage(log),
  });
  return { write: (chunk) => write(pretty(chunk).replace(/\n$/, '')) };
}
