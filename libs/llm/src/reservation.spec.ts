import { BUILT_IN_MODEL_PRICES } from '@app/config';
import { chargeForFailure, INPUT_RESERVE_FACTOR, localDay, microUsd, reservedUsage } from './reservation';
import { estimatePromptTokens } from './token-estimate';

describe('reservation maths', () => {
  const prices = { ...BUILT_IN_MODEL_PRICES, 'my-model': { input: 3, output: 15 } };

  it('reserves the estimated prompt, with a margin for dense text, plus the longest answer', () => {
    const messages = [
      { role: 'system' as const, content: 'x'.repeat(400) },
      { role: 'user' as const, content: 'y'.repeat(40) },
    ];
    // 100 + 10 tokens of text and 4 tokens of framing per message.
    expect(estimatePromptTokens(messages)).toBe(118);
    expect(reservedUsage(messages, 800)).toEqual({
      inputTokens: Math.ceil(118 * INPUT_RESERVE_FACTOR),
      outputTokens: 800,
    });
  });

  it("counts an assistant turn's tool calls, which the next round sends back, as well as its text", () => {
    const args = JSON.stringify({ text: 'z'.repeat(4000) });
    const withCalls = [
      { role: 'user' as const, content: 'y'.repeat(40) },
      {
        role: 'assistant' as const,
        content: null,
        tool_calls: [
          { id: 'c1', type: 'function' as const, function: { name: 'search_transactions', arguments: args } },
        ],
      },
      { role: 'tool' as const, tool_call_id: 'c1', content: 'w'.repeat(400) },
    ];
    const withoutCalls = [withCalls[0], { role: 'assistant' as const, content: null }, withCalls[2]];
    // The call's arguments alone are over a thousand tokens; its framing (id, type, name) a few more.
    expect(estimatePromptTokens(withCalls) - estimatePromptTokens(withoutCalls)).toBeGreaterThan(1000);
    expect(estimatePromptTokens(withCalls) - estimatePromptTokens(withoutCalls)).toBeLessThan(1030);
  });

  it('prices usage in whole micro-dollars, rounding up, and knows when a model has no price', () => {
    // gpt-4o-mini: $0.15 in / $0.60 out per 1M tokens = 0.15 / 0.6 micro-dollars per token.
    expect(microUsd(prices, 'gpt-4o-mini', { inputTokens: 1000, outputTokens: 100 })).toBe(210);
    expect(microUsd(prices, 'gpt-4o-mini', { inputTokens: 1, outputTokens: 0 })).toBe(1);
    expect(microUsd(prices, 'my-model', { inputTokens: 1_000_000, outputTokens: 0 })).toBe(3_000_000);
    expect(microUsd(prices, 'gpt-4o-mini', { inputTokens: 0, outputTokens: 0 })).toBe(0);
    expect(microUsd(prices, 'llama3:8b', { inputTokens: 10, outputTokens: 10 })).toBeNull();
  });

  describe('what a failed call is charged', () => {
    const reserved = { inputTokens: 1500, outputTokens: 800 };

    it("takes the server's own count first, then what was streamed", () => {
      const reported = { inputTokens: 900, outputTokens: 40 };
      const streamed = { inputTokens: 1000, outputTokens: 12 };
      expect(chargeForFailure({ reported, streamed, status: 500, reserved })).toBe(reported);
      expect(chargeForFailure({ reported: null, streamed, status: null, reserved })).toBe(streamed);
    });

    it('charges nothing for a refusal with an error status before any answer', () => {
      for (const status of [400, 429, 500, 503])
        expect(chargeForFailure({ reported: null, streamed: null, status, reserved })).toEqual({
          inputTokens: 0,
          outputTokens: 0,
        });
    });

    it('keeps the whole reservation when the outcome is unknown (a timeout, a lost connection)', () => {
      expect(chargeForFailure({ reported: null, streamed: null, status: null, reserved })).toBe(reserved);
    });
  });

  describe('the local day caps count in', () => {
    const hour = 3_600_000;
    const until = (iso: string, zone: string) => {
      const now = new Date(iso);
      return localDay(now, zone).endsAt.getTime() - now.getTime();
    };

    it('ends at the next local midnight on an ordinary day', () => {
      expect(localDay(new Date('2026-01-15T22:00:00Z'), 'Europe/London')).toEqual({
        dayKey: '2026-01-15',
        endsAt: new Date('2026-01-16T00:00:00Z'),
      });
    });

    it('knows the day the clocks go forward is 23 hours long and the day they go back is 25', () => {
      // 29 March 2026, 00:30 GMT; the clocks jump 01:00 -> 02:00, so local midnight comes 22.5 real hours later.
      expect(until('2026-03-29T00:30:00Z', 'Europe/London')).toBe(22.5 * hour);
      // 25 October 2026, 00:30 BST (= 23:30 UTC the day before); midnight is 24.5 real hours later.
      expect(until('2026-10-24T23:30:00Z', 'Europe/London')).toBe(24.5 * hour);
    });

    it('works in zones ahead of and behind UTC', () => {
      // 23:00 in Dhaka (UTC+6) is 17:00 UTC: its day is already the 1st and ends in an hour.
      expect(localDay(new Date('2026-06-01T17:00:00Z'), 'Asia/Dhaka')).toEqual({
        dayKey: '2026-06-01',
        endsAt: new Date('2026-06-01T18:00:00Z'),
      });
      // 02:00 UTC on the 2nd is still the 1st in New York (UTC-4 in June), until 04:00 UTC.
      expect(localDay(new Date('2026-06-02T02:00:00Z'), 'America/New_York')).toEqual({
        dayKey: '2026-06-01',
        endsAt: new Date('2026-06-02T04:00:00Z'),
      });
    });
  });
});
