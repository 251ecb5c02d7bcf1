import { BadRequestException, ValidationError, ValidationPipe } from '@nestjs/common';

function flatten(errors: ValidationError[], parent = ''): string[] {
  return errors.flatMap((e) => {
    const path = parent ? `${parent}.${e.property}` : e.property;
    const own = Object.values(e.constraints ?? {}).map((m) =>
      m.startsWith(e.property) ? m.replace(e.property, path) : `${path}: ${m}`,
    );
    return [...own, ...flatten(e.children ?? [], path)];
  });
}

/**
 * The transports a DTO is validated for, as class-validator groups: a rule tagged with a transport applies only
 * there (e.g. an id optional over HTTP and required on sockets); untagged rules apply on both.
 */
export const TRANSPORT = { http: 'http', socket: 'socket' } as const;
export type Transport = (typeof TRANSPORT)[keyof typeof TRANSPORT];

/**
 * The one validation of request bodies and socket payloads. Unknown fields are refused, not silently dropped,
 * so a client learns about a typo at once.
 */
export function createValidationPipe(transport: Transport = TRANSPORT.http): ValidationPipe {
  return new ValidationPipe({
    groups: [transport],
    always: true,
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    transformOptions: { enableImplicitConversion: false },
    exceptionFactory: (errors) => new BadRequestException({ code: 'validation_failed', message: flatten(errors) }),
  });
}
