import { LoggerService } from '@nestjs/common';
import { redact, redactString } from './redact';

export type LogLevel = 'error' | 'warn' | 'info' | 'debug';
const RANK: Record<LogLevel, number> = { error: 0, warn: 1, info: 2, debug: 3 };

/**
 * One JSON object per line on stdout, so log shippers need no parsing rules.
 * Every message and field goes through `redact`: callers cannot leak a token by accident.
 */
export class AppLogger implements LoggerService {
  constructor(
    private readonly service: string,
    private level: LogLevel = 'info',
    private readonly write: (line: string) => void = (line) => process.stdout.write(line + '\n'),
  ) {}

  setLevel(level: LogLevel): void {
    this.level = level;
  }

  log(message: unknown, ...rest: unknown[]): void {
    this.emit('info', message, rest);
  }
  error(message: unknown, ...rest: unknown[]): void {
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
    if (RANK[level] > RANK[this.level]) return;
    this.write(
      JSON.stringify({
        time: new Date().toISOString(),
        level,
        service: this.service,
        msg: redactString(msg),
        ...(redact(fields) as object),
      }),
    );
  }

  private emit(level: LogLevel, message: unknown, rest: unknown[]): void {
    // Nest passes the context as the last string argument, and a stack trace before it for errors.
    const args = [...rest];
    const context = typeof args[args.length - 1] === 'string' ? (args.pop() as string) : undefined;
    const fields: Record<string, unknown> = {};
    if (context) fields.context = context;
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
