import { buildFinancialContext } from '@app/finance';
import { AppLogger } from '@app/logging';
import { richInputs } from '../../../../../libs/finance/src/fixtures.testing';
import { ToolInputError, type ChatTool, type ToolContext } from './chat-tool';
import { BudgetStatusTool } from './budget-status.tool';
import { DebtPayoffPlanTool } from './debt-payoff-plan.tool';
import { SavingsGoalProjectionTool } from './savings-goal-projection.tool';
import { SearchTransactionsTool } from './search-transactions.tool';
import { SpendingBreakdownTool } from './spending-breakdown.tool';
import { SubscriptionsTool } from './subscriptions.tool';
import {
  assertBoundedSchema,
  bounded,
  ChatToolRegistry,
  TOOL_ARGUMENTS_MAX_CHARS,
  TOOL_CONTENT_MAX_CHARS,
} from './tool-registry';

const NOW = new Date('2026-04-15T10:00:00Z');
const ctx: ToolContext = {
  userId: 'u1',
  now: NOW,
  timeZone: 'Europe/London',
  currency: 'GBP',
  locale: 'en-GB',
  language: 'en',
  snapshot: buildFinancialContext(richInputs(), { now: NOW, timeZone: 'Europe/London' }),
};

const echo: ChatTool<{ text?: string; n?: number }> = {
  name: 'echo',
  description: 'Echoes',
  parameters: {
    type: 'object',
    properties: {
      text: { type: 'string', maxLength: 10 },
      n: { type: 'integer', minimum: 0, maximum: 5 },
    },
    additionalProperties: false,
  },
  run: (args) => Promise.resolve({ data: { args }, summary: 'echoed', facts: [] }),
};
const tool = (name: string, run: ChatTool['run']): ChatTool => ({ ...echo, name, run }) as ChatTool;

function logged(): { logger: AppLogger; lines: string[] } {
  const lines: string[] = [];
  return { logger: new AppLogger('test', 'info', { format: 'json', write: (l) => lines.push(l) }), lines };
}

describe('ChatToolRegistry', () => {
  const registry = new ChatToolRegistry([
    echo as ChatTool,
    tool('refuses', () => Promise.reject(new ToolInputError('No goal named that; the goals are "A", "B"'))),
    tool('big', () => Promise.resolve({ data: { text: 'é'.repeat(20_000) }, summary: '', facts: [] })),
  ]);

  it('describes each tool as an OpenAI function', () => {
    expect(registry.definitions()[0]).toEqual({
      type: 'function',
      function: { name: 'echo', description: 'Echoes', parameters: echo.parameters },
    });
  });

  it('runs a valid call and returns its data as the tool message', async () => {
    const out = await registry.call('echo', '{"text":"hi","n":2}', ctx);
    expect(out).toMatchObject({ ok: true, result: { summary: 'echoed' } });
    expect(JSON.parse(out.content)).toEqual({ args: { text: 'hi', n: 2 } });
    // No arguments at all is an empty object.
    await expect(registry.call('echo', '', ctx)).resolves.toMatchObject({ ok: true });
  });

  it.each([
    ['nope', '{}', /Unknown tool "nope"\. Available tools: echo, refuses, big/],
    ['echo', '{"text":', /not valid JSON/],
    ['echo', 'null', /must be a JSON object/],
    ['echo', '"text"', /must be a JSON object/],
    ['echo', '{"n": 6}', /n must be <= 5/],
    ['echo', '{"n": 1.5}', /n must be integer/],
    ['echo', '{"n": "1"}', /n must be integer/],
    ['echo', '{"text": "12345678901"}', /text must NOT have more than 10 characters/],
    ['echo', '{"userId": "someone-else"}', /unknown argument "userId"/],
    ['echo', '{"__proto__": {"admin": true}}', /unknown argument "__proto__"/],
    ['echo', JSON.stringify({ text: 'x'.repeat(TOOL_ARGUMENTS_MAX_CHARS) }), /at most 4000 are accepted/],
    ['refuses', '{}', /^No goal named that/],
  ])('%s(%s) is refused with a message the model can act on', async (name, args, message) => {
    const out = await registry.call(name, args, ctx);
    expect(out.ok).toBe(false);
    if (out.ok) return;
    expect(out.error).toMatch(message);
    expect(JSON.parse(out.content)).toEqual({ error: out.error });
  });

  it('turns a failing tool into "tool failed", logging its kind but nothing it said', async () => {
    const { logger, lines } = logged();
    const failing = new ChatToolRegistry(
      [tool('crash', () => Promise.reject(new TypeError('cannot read "Tesco 4532 0151 1283 0366"')))],
      logger,
    );
    const out = await failing.call('crash', '{"text":"secret"}', ctx);
    expect(out).toMatchObject({ ok: false, error: expect.stringMatching(/The crash tool failed/) });
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0])).toMatchObject({ msg: 'chat.tool_failed', tool: 'crash', error: 'TypeError' });
    expect(lines[0]).not.toMatch(/Tesco|4532|secret/);
  });

  it('does not run a tool for a reply already cancelled', async () => {
    const run = jest.fn();
    const r = new ChatToolRegistry([tool('t', run)]);
    const out = await r.call('t', '{}', { ...ctx, signal: AbortSignal.abort() });
    expect(out).toMatchObject({ ok: false, error: expect.stringMatching(/cancelled/) });
    expect(run).not.toHaveBeenCalled();
  });

  it('cuts what the model reads back to the limit, and says so', async () => {
    const out = await registry.call('big', '{}', ctx);
    expect(out.ok).toBe(true);
    expect(out.content.length).toBeLessThanOrEqual(TOOL_CONTENT_MAX_CHARS);
    expect(out.content).toMatch(/…\[truncated: \d+ of 20\d{3} characters not shown; ask for fewer rows/);
    // Never half a surrogate pair.
    const emoji = bounded('😀'.repeat(5_000));
    expect(emoji.length).toBeLessThanOrEqual(TOOL_CONTENT_MAX_CHARS);
    expect(emoji).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])/);
  });

  it('refuses at start-up a schema that leaves arguments unbounded, and two tools of one name', () => {
    const withSchema = (parameters: Record<string, unknown>) => () => assertBoundedSchema('t', parameters);
    expect(withSchema({ type: 'object', properties: {} })).toThrow(/additionalProperties: false/);
    expect(withSchema({ type: 'object', additionalProperties: false, properties: { q: { type: 'string' } } })).toThrow(
      /q needs a maxLength/,
    );
    expect(
      withSchema({ type: 'object', additionalProperties: false, properties: { n: { type: 'number', minimum: 0 } } }),
    ).toThrow(/n needs a minimum and a maximum/);
    expect(withSchema({ type: 'object', additionalProperties: false, properties: { o: { type: 'object' } } })).toThrow(
      /o must be a string, number, integer or boolean/,
    );
    expect(() => new ChatToolRegistry([echo as ChatTool, echo as ChatTool])).toThrow(/two chat tools are named echo/);
  });
});

describe('the ledger tools as registered', () => {
  // The database-backed tools are only constructed here: their schemas are what is checked.
  const tools = [
    new SearchTransactionsTool(null as never),
    new SpendingBreakdownTool(null as never),
    new BudgetStatusTool(null as never),
    new DebtPayoffPlanTool(),
    new SavingsGoalProjectionTool(),
    new SubscriptionsTool(),
  ];
  const registry = new ChatToolRegistry(tools);

  it('have the names of issue 14 and bounded schemas', () => {
    expect(registry.names()).toEqual([
      'search_transactions',
      'spending_breakdown',
      'budget_status',
      'debt_payoff_plan',
      'savings_goal_projection',
      'subscriptions',
    ]);
    for (const t of tools) expect(() => assertBoundedSchema(t.name, t.parameters)).not.toThrow();
  });

  it.each([
    ['search_transactions', { limit: 51 }, 'limit must be <= 50'],
    ['search_transactions', { limit: 0 }, 'limit must be >= 1'],
    ['search_transactions', { minAmount: -1 }, 'minAmount must be >= 0'],
    ['search_transactions', { maxAmount: 1e12 }, 'maxAmount must be <= 10000000'],
    ['search_transactions', { from: '15/04/2026' }, 'from must match pattern'],
    ['spending_breakdown', { top: 21 }, 'top must be <= 20'],
    ['spending_breakdown', { groupBy: 'day' }, 'groupBy must be one of category, merchant, month'],
    ['budget_status', { month: '2026-13' }, 'month must match pattern'],
    ['debt_payoff_plan', { extraMonthly: -5 }, 'extraMonthly must be >= 0'],
    ['debt_payoff_plan', { lumpSum: 1_000_001 }, 'lumpSum must be <= 1000000'],
    ['debt_payoff_plan', { strategy: 'minimums' }, 'strategy must be one of avalanche, snowball, both'],
    ['savings_goal_projection', { goal: '' }, 'goal must NOT have fewer than 1 characters'],
    ['savings_goal_projection', { goal: 'x', monthlyContribution: 2e6 }, 'monthlyContribution must be <= 1000000'],
    ['subscriptions', { name: 'n'.repeat(101) }, 'name must NOT have more than 100 characters'],
  ])('%s refuses %j before it runs', async (name, args, message) => {
    const out = await registry.call(name, JSON.stringify(args), ctx);
    expect(out).toMatchObject({
      ok: false,
      error: expect.stringContaining(`Invalid arguments for ${name}: ${message}`),
    });
  });
});
