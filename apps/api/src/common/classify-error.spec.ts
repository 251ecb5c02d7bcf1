import { classifyError } from './classify-error';

const socketError = (code: string, message: string) => Object.assign(new Error(message), { code });

describe('classifyError: dependencies going away', () => {
  it('answers 503 database_unavailable for the driver errors of an unreachable MongoDB', () => {
    const err = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:27017'), { name: 'MongoNetworkError' });
    expect(classifyError(err)).toMatchObject({ status: 503, code: 'database_unavailable' });
  });

  it('answers 503, not 500, for a bare socket error the MongoDB driver rethrows unwrapped', () => {
    expect(classifyError(socketError('EPIPE', 'This socket has been ended by the other party'))).toMatchObject({
      status: 503,
      code: 'database_unavailable',
    });
    expect(classifyError(socketError('ECONNRESET', 'read ECONNRESET'))).toMatchObject({
      status: 503,
      code: 'database_unavailable',
    });
  });

  it('answers 503 queue_unavailable for ioredis refusing commands while Redis is down', () => {
    expect(classifyError(new Error("Stream isn't writeable and enableOfflineQueue options is false"))).toMatchObject({
      status: 503,
      code: 'queue_unavailable',
    });
  });

  it('keeps anything else a 500', () => {
    expect(classifyError(socketError('ENOENT', 'no such file'))).toMatchObject({ status: 500, code: 'internal_error' });
    expect(classifyError(new TypeError('x is undefined'))).toMatchObject({ status: 500, code: 'internal_error' });
  });
});
