import OpenAI from 'openai';
import { classifyLlmError } from './llm-error';

describe('classifyLlmError', () => {
  it('treats an abort by a deadline as a retryable timeout and any other abort as a cancellation', async () => {
    const deadline = AbortSignal.timeout(1);
    await new Promise((r) => setTimeout(r, 10));
    const timedOut = classifyLlmError(new OpenAI.APIUserAbortError(), deadline);
    expect([timedOut.kind, timedOut.retryable]).toEqual(['timeout', true]);

    const controller = new AbortController();
    controller.abort();
    expect(classifyLlmError(new OpenAI.APIUserAbortError(), controller.signal).kind).toBe('aborted');
    expect(classifyLlmError(new OpenAI.APIUserAbortError()).kind).toBe('aborted');
  });
});
