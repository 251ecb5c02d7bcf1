import type { ChatRequest } from './types';
import { demoToolAnswer, demoToolCall } from './demo-tools';

const tool = (name: string, properties: Record<string, unknown> = {}, required: string[] = []) => ({
  type: 'function' as const,
  function: { name, parameters: { type: 'object', properties, required, additionalProperties: false } },
});
const TOOLS = [
  tool('search_transactions', { text: { type: 'string', maxLength: 100 }, limit: { type: 'integer' } }),
  tool('app_help', { query: { type: 'string', maxLength: 300 } }, ['query']),
  tool('debt_payoff_plan', { extraMonthly: { type: 'number', minimum: 0, maximum: 100000 } }),
  tool('savings_goal_projection', { goal: { type: 'string', maxLength: 100 } }, ['goal']),
];
const ask = (text: string, extra: ChatRequest['messages'] = []): ChatRequest => ({
  model: 'demo',
  tools: TOOLS,
  messages: [{ role: 'system', content: 'rules' }, { role: 'user', content: text }, ...extra],
});

describe('the offline demo model and the chat tools', () => {
  it('picks the tool the question names, with arguments from the question', () => {
    expect(demoToolCall(ask('Find my transactions at Tesco'))).toEqual({
      name: 'search_transactions',
      arguments: JSON.stringify({ text: 'Tesco' }),
    });
    expect(demoToolCall(ask('How do I add a budget?'))).toEqual({
      name: 'app_help',
      arguments: JSON.stringify({ query: 'How do I add a budget?' }),
    });
    expect(JSON.parse(String(demoToolCall(ask('What if I pay 100 extra on my debts?'))!.arguments))).toEqual({
      extraMonthly: 100,
    });
    expect(demoToolCall(ask('বাজেট কিভাবে যোগ করব?'))?.name).toBe('app_help');
  });

  it('answers in words when nothing fits or no tools are offered', () => {
    expect(demoToolCall(ask('Hello there'))).toBeNull();
    expect(demoToolCall({ ...ask('Find my transactions at Tesco'), tools: [] })).toBeNull();
  });

  it('asks again with a goal the tool named, and quotes the figures (or the help passage) a tool returned', () => {
    const refused = ask('When will I reach my goal?', [
      { role: 'assistant', content: null, tool_calls: [] },
      {
        role: 'tool',
        tool_call_id: 'c1',
        content: '{"error":"No saving goal matches that. The user\'s goals: \\"Holiday\\"."}',
      },
    ]);
    expect(demoToolCall(refused)).toEqual({
      name: 'savings_goal_projection',
      arguments: JSON.stringify({ goal: 'Holiday' }),
    });

    const answered = ask('Spent at Tesco?', [
      {
        role: 'tool',
        tool_call_id: 'c2',
        content: '{"count":2,"total":"£59.75","rows":[{"amount":"£42.50","name":"Tesco"}]}',
      },
    ]);
    expect(demoToolAnswer(answered)).toEqual(['total: £59.75', 'amount: £42.50']);
    const help = ask('How do I add a budget?', [
      {
        role: 'tool',
        tool_call_id: 'c3',
        content: JSON.stringify({ passages: [{ text: 'To add a budget, give it a name and an amount.' }] }),
      },
    ]);
    expect(demoToolAnswer(help)).toEqual(['To add a budget, give it a name and an amount.']);
    expect(demoToolAnswer(ask('no tools yet'))).toBeNull();
  });
});
