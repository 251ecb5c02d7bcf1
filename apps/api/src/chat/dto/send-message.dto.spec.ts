import { ArgumentMetadata, BadRequestException } from '@nestjs/common';
import { createValidationPipe, Transport, TRANSPORT } from '../../common/validation';
import { SendMessageDto, StopMessageDto } from './send-message.dto';

/** Validates as Nest does for `@Body()` (HTTP) and `@MessageBody()` (sockets): same pipe, the transport's group. */
async function validate(transport: Transport, metatype: ArgumentMetadata['metatype'], value: unknown) {
  return createValidationPipe(transport).transform(value, { type: 'body', metatype });
}

async function refusal(transport: Transport, metatype: ArgumentMetadata['metatype'], value: unknown) {
  try {
    await validate(transport, metatype, value);
  } catch (err) {
    expect(err).toBeInstanceOf(BadRequestException);
    return (err as BadRequestException).getResponse() as { code: string; message: string[] };
  }
  throw new Error('expected a refusal');
}

describe('SendMessageDto on both transports', () => {
  const message = { text: 'How am I doing?', clientMessageId: 'm-1' };

  it('accepts the same message over HTTP and sockets', async () => {
    for (const transport of [TRANSPORT.http, TRANSPORT.socket]) {
      await expect(validate(transport, SendMessageDto, message)).resolves.toBeInstanceOf(SendMessageDto);
    }
  });

  it('needs a clientMessageId on sockets only', async () => {
    await expect(validate(TRANSPORT.http, SendMessageDto, { text: 'hi' })).resolves.toEqual({ text: 'hi' });
    const res = await refusal(TRANSPORT.socket, SendMessageDto, { text: 'hi' });
    expect(res).toMatchObject({ code: 'validation_failed' });
    expect(res.message[0]).toBe('clientMessageId is required');
  });

  it.each([
    ['no payload', undefined],
    ['null', null],
    ['a string', 'hello'],
    ['an array', [message]],
    ['an operator instead of text', { ...message, text: { $gt: '' } }],
    ['an unknown field', { ...message, role: 'system' }],
    ['a malformed clientMessageId', { ...message, clientMessageId: 'a b' }],
  ])('refuses %s on both transports', async (_name, payload) => {
    for (const transport of [TRANSPORT.http, TRANSPORT.socket]) {
      expect(await refusal(transport, SendMessageDto, payload)).toMatchObject({ code: 'validation_failed' });
    }
  });
});

describe('StopMessageDto', () => {
  it('takes a clientMessageId, a conversationId or both', async () => {
    for (const payload of [
      { clientMessageId: 'm-1' },
      { conversationId: '6b0f73fc79b579ea7c4bba67' },
      { clientMessageId: 'm-1', conversationId: '6b0f73fc79b579ea7c4bba67' },
    ]) {
      await expect(validate(TRANSPORT.socket, StopMessageDto, payload)).resolves.toEqual(payload);
    }
  });

  it('refuses neither, and a malformed one', async () => {
    const none = await refusal(TRANSPORT.socket, StopMessageDto, {});
    expect(none.message[0]).toBe('clientMessageId or conversationId is required');
    await refusal(TRANSPORT.socket, StopMessageDto, {
      clientMessageId: 'a b',
      conversationId: '6b0f73fc79b579ea7c4bba67',
    });
    await refusal(TRANSPORT.socket, StopMessageDto, { conversationId: 'nope' });
  });
});
