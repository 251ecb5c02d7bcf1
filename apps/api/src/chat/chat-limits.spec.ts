import { msUntilLocalMidnight } from './chat-limits.service';

describe('msUntilLocalMidnight', () => {
  const hour = 3600_000;

  it('counts to the next local midnight on an ordinary day', () => {
    // 22:00 in London (UTC+0 in January) is two hours before midnight.
    expect(msUntilLocalMidnight(new Date('2026-01-15T22:00:00Z'), 'Europe/London')).toBe(2 * hour);
  });

  it('knows the day the clocks go forward is 23 hours long', () => {
    // 29 March 2026, 00:30 GMT; the clocks jump 01:00 -> 02:00, so local midnight comes 22.5 real hours later.
    expect(msUntilLocalMidnight(new Date('2026-03-29T00:30:00Z'), 'Europe/London')).toBe(22.5 * hour);
  });

  it('knows the day the clocks go back is 25 hours long', () => {
    // 25 October 2026, 00:30 BST (= 23:30 UTC the day before); midnight is 24.5 real hours later.
    expect(msUntilLocalMidnight(new Date('2026-10-24T23:30:00Z'), 'Europe/London')).toBe(24.5 * hour);
  });

  it('works in zones ahead of UTC', () => {
    // 23:00 in Dhaka (UTC+6) is 17:00 UTC.
    expect(msUntilLocalMidnight(new Date('2026-06-01T17:00:00Z'), 'Asia/Dhaka')).toBe(hour);
  });
});
