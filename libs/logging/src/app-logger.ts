import { LoggerService } from '@nestjs/common';
import pino, { Logger } from 'pino';
import { logDestination, LogDestinationOptions } from './log-destination';
import { redact, redactString } from './redact';

export type LogLevel = 'error' | 'warn' | 'info' | 'debug';

/** Written by pino itself; a field of the same name would repeat the key in the JSON line. */
const RESERVED_FIELDS = ['level', 'time', 'service', 'msg'];

/**
 * Nest's start-up narration (one line per module, controller, route and gateway subscription): useful when
 * debugging wiring, noise otherwise, so it is written at debug.
 */
const NEST_BOOT_CONTEXTS = new Set([
  'NestFactory',
  'InstanceLoader',
  'RoutesResolver',
  'RouterExplorer',
  'WebSocketsController',
  'NestApplication',
]);

/**
 * The process's logger, on pino: JSON lines for log shippers, or short pretty lines on a terminal.
 * Every message and field goes through `redact` first: callers cannot leak a token, a prompt or what a user
 * typed by accident.
 */
export class AppLogger implements LoggerService {
  private readonly pino: Logger;

  constructor(service: string, level: LogLevel = 'info', output: LogDestinationOptions = {}) {
    this.pino = pino(
      {
        level,
        base: { service },
        timestamp: pino.stdTimeFunctions.isoTime,
        formatters: { level: (label) => ({ level: label }) },
      },
      logDestination(output),
    );
  }

  setLevel(level: LogLevel): void {
    this.pino.level = level;
  }

  log(message: unknown, ...rest: unknown[]): void {
    this.emit('info', message, rest);
  }
  error(message: unknown, ...rest: unknown[]): void {
    this.emit('error', message, rest);
  }
  fatal(message: unknown, ...rest: unknown[]): void {
    this.emit('error', message, rest);
  }
  warn(message: unknown, ...rest: unknown[]): void {
    this.emit('warn', message, rest);
  }
  debug(message: unknown, ...rest: unknown[]): void {
    this.emit('debug', message, rest);
  }
  verbose(message: unknown, ...rest: unknown[]): void {
    this.emit('debug', message, rest);
  }

  /** Structured event with fields, for our own code: logger.event('info', 'job.completed', {queue, ms}). */
  event(level: LogLevel, msg: string, fields: Record<string, unknown> = {}): void {
    if (!this.pino.isLevelEnabled(level)) return;
    const safe = redact(fields) as Record<string, unknown>;
    for (const key of RESERVED_FIELDS) delete safe[key];
    this.pino[level](safe, redactString(msg));
  }

  private emit(level: LogLevel, message: unknown, rest: unknown[]): void {
    // Nest passes the context as the last string argument, and a stack trace before it for errors.
    const args = [...rest];
    const context = typeof args[args.length - 1] === 'string' ? (args.pop() as string) : undefined;
    const fields: Record<string, unknown> = {};
    if (context) fields.context = context;
    if (level === 'info' && context && NEST_BOOT_CONTEXTS.has(context)) level = 'debug';
    if (message instanceof Error) {
      fields.error = message;
      message = message.message;
    } else if (message && typeof message === 'object') {
      Object.assign(fields, message);
      message = (message as { msg?: string }).msg ?? '';
    }
    // Nest's stack-trace argument is dropped on purpose: stacks can carry request data and never reach logs.
    this.event(level, String(message), fields);
  }
}
