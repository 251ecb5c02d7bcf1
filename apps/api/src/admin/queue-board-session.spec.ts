import * as jwt from 'jsonwebtoken';
import { QueueBoardSessions } from './queue-board-session';

describe('QueueBoardSessions', () => {
  const secret = 'the-secret-shared-with-the-main-backend';
  const userId = '64b7f0c2a1b2c3d4e5f60718';
  const sessions = new QueueBoardSessions(secret, 15 * 60_000);

  afterEach(() => jest.useRealTimers());

  it('reads back the user of a session it issued, expiring after the configured time', () => {
    const now = Date.now();
    const { value, expiresAt } = sessions.issue(userId, null, now);
    expect(expiresAt).toBe(now + 15 * 60_000);
    const read = sessions.read(value);
    expect(read?.userId).toBe(userId);
    expect(Math.abs(read!.expiresAt - expiresAt)).toBeLessThan(2000);
  });

  it('never outlives the token it was exchanged for', () => {
    const now = Date.now();
    const tokenExpiresAt = now + 5 * 60_000;
    expect(sessions.issue(userId, tokenExpiresAt, now).expiresAt).toBe(tokenExpiresAt);
  });

  it('refuses an expired session', () => {
    jest.useFakeTimers({ now: Date.now() });
    const { value } = sessions.issue(userId, null);
    jest.setSystemTime(Date.now() + 15 * 60_000 + 1000);
    expect(sessions.read(value)).toBeNull();
  });

  it('refuses a tampered session, one from another secret, and a main-backend token', () => {
    const { value } = sessions.issue(userId, null);
    const [head, , sig] = value.split('.');
    const otherUser = Buffer.from(JSON.stringify({ sub: '64b7f0c2a1b2c3d4e5f60719', aud: 'queue-board' })).toString(
      'base64url',
    );
    expect(sessions.read(`${head}.${otherUser}.${sig}`)).toBeNull();
    expect(
      sessions.read(new QueueBoardSessions('another-secret-entirely', 60_000).issue(userId, null).value),
    ).toBeNull();
    const mainBackendToken = jwt.sign({ id: userId, sub: userId, aud: 'queue-board', role: 'ADMIN' }, secret, {
      expiresIn: '1h',
    });
    expect(sessions.read(mainBackendToken)).toBeNull();
    expect(sessions.read('not a token')).toBeNull();
  });
});
