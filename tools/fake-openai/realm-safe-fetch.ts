/**
 * Jest runs specs in their own VM realm, where the DOMException that Node's fetch rejects with on
 * abort is not `instanceof Error`. The SDK's error normalisation then drops its `AbortError` name,
 * so a client timeout surfaces as APIConnectionError instead of APIConnectionTimeoutError.
 * Passing this as the SDK's `fetch` in specs restores production behaviour; outside Jest it only
 * ever rethrows the original error.
 */
export const realmSafeFetch = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
  try {
    return await fetch(input, init);
  } catch (err) {
    if (err instanceof Error || !err || typeof err !== 'object') throw err;
    const foreign = err as { name?: unknown; message?: unknown; cause?: unknown };
    const copy = new Error(String(foreign.message ?? ''), { cause: foreign.cause ?? err });
    if (typeof foreign.name === 'string') copy.name = foreign.name;
    throw copy;
  }
};
