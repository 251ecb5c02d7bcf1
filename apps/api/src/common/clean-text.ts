import { ValidationOptions, registerDecorator } from 'class-validator';

// C0 controls except tab, line feed and carriage return; DEL and C1 controls; unpaired UTF-16 surrogates.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const LINE_BREAK = /[\r\n\u2028\u2029]/;

export function isCleanText(value: unknown, singleLine = false): boolean {
  return (
    typeof value === 'string' &&
    !CONTROL.test(value) &&
    !LONE_SURROGATE.test(value) &&
    !(singleLine && LINE_BREAK.test(value))
  );
}

/**
 * Free text from users may be any language and emoji, but not control characters or broken UTF-16,
 * which no person types and which only serve to confuse logs, prompts and other clients.
 */
export function IsCleanText(opts: { singleLine?: boolean } = {}, validationOptions?: ValidationOptions) {
  return (object: object, propertyName: string) =>
    registerDecorator({
      name: 'isCleanText',
      target: object.constructor,
      propertyName,
      options: {
        message: `${propertyName} must not contain control characters${opts.singleLine ? ' or line breaks' : ''}`,
        ...validationOptions,
      },
      validator: { validate: (value: unknown) => isCleanText(value, opts.singleLine) },
    });
}
