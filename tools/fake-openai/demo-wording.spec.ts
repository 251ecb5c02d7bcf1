import Ajv from 'ajv';
import { createDemoResponder, DEMO_LABEL } from './demo-responder';
import type { ChatRequest, JsonReply, RecordedRequest } from './types';

const ajv = new Ajv({ strict: false, allErrors: true });

const tipsSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['summary', 'tips'],
  properties: {
    summary: { type: 'string', minLength: 1, maxLength: 90 },
    tips: {
      type: 'array',
      minItems: 3,
      maxItems: 3,
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['title', 'detail', 'category', 'figureKeys'],
        properties: {
          title: { type: 'string', minLength: 3, maxLength: 40 },
          detail: { type: 'string', minLength: 10, maxLength: 70 },
          category: { type: 'string', enum: ['spending', 'saving', 'debt'] },
          figureKeys: {
            type: 'array',
            minItems: 1,
            maxItems: 3,
            items: { type: 'string', enum: ['income.month', 'debts.total', 'sub.1'] },
          },
        },
      },
    },
  },
};

const alertsSchema = {
  type: 'object',
  required: ['alerts'],
  properties: {
    alerts: {
      type: 'array',
      minItems: 2,
      maxItems: 2,
      items: {
        type: 'object',
        required: ['key', 'title', 'message'],
        properties: {
          key: { type: 'string', enum: ['flag_1', 'flag_2'] },
          title: { type: 'string', minLength: 3, maxLength: 80 },
          message: { type: 'string', minLength: 10, maxLength: 400 },
        },
      },
    },
  },
};

function ask(schema: object, prompt: string): any {
  const req = {
    model: 'gpt-4o-mini',
    messages: [
      { role: 'system', content: 'Word these figures. Quote them exactly.' },
      { role: 'user', content: prompt },
    ],
    response_format: { type: 'json_schema', json_schema: { name: 'test', schema } },
  } as ChatRequest;
  const reply = createDemoResponder()(req, {} as RecordedRequest) as JsonReply;
  const validate = ajv.compile(schema);
  if (!validate(reply.json)) throw new Error(ajv.errorsText(validate.errors));
  return reply.json;
}

describe('demo answers that cite figure keys', () => {
  const figures = [
    'FIGURES (key: label = value)',
    '- income.month: Income this month = £2,850.00',
    '- debts.total: Total balance owed across every debt you have recorded in the app = £9,200.00',
    '- sub.1: Subscription "Netflix" = £10.99 a month',
  ].join('\n');

  it('cites one offered key per item, names that figure in the title and copies its line, labelled', () => {
    const answer = ask(tipsSchema, figures);
    expect(answer.tips.map((t: any) => t.figureKeys)).toEqual([['income.month'], ['debts.total'], ['sub.1']]);
    expect(answer.tips.map((t: any) => t.title)).toEqual([
      'Look at income this month',
      'Look at total balance owed across every',
      'Look at subscription "Netflix"',
    ]);
    expect(answer.tips[0].detail).toBe(`${DEMO_LABEL} Income this month = £2,850.00`);
    // "... you have = £9,200.00" is too long: cut at a space within the limit, so a figure is never cut in half.
    expect(answer.tips[1].detail).toBe(`${DEMO_LABEL} Total balance owed across every debt you have`);
    expect(answer.summary).toBe(`${DEMO_LABEL} Written offline, without a real AI model: each point quotes one of`);
    expect(answer.summary).not.toMatch(/\d/);
  });

  it('words each flag once by its key, from the line that names it', () => {
    const answer = ask(
      alertsSchema,
      [
        'RED FLAGS',
        '- key flag_1: budget_overrun [high] on budget "Going out"; figures: actual=£260.50; threshold: tolerance=0',
        '- key flag_2: negative_cash_flow [medium]; figures: deficit=£120.00; threshold: x=0',
      ].join('\n'),
    );
    expect(answer.alerts).toEqual([
      {
        key: 'flag_1',
        title: 'Look at budget_overrun [high] on budget "Going out"',
        message: `${DEMO_LABEL} budget_overrun [high] on budget "Going out"; figures: actual=£260.50; threshold: tolerance=0`,
      },
      {
        key: 'flag_2',
        title: 'Look at negative_cash_flow [medium]',
        message: `${DEMO_LABEL} negative_cash_flow [medium]; figures: deficit=£120.00; threshold: x=0`,
      },
    ]);
  });

  it('keeps titles distinct when there are more items than keys', () => {
    const schema = structuredClone(tipsSchema);
    schema.properties.tips.items.properties.figureKeys.items.enum = ['income.month'];
    const answer = ask(schema, figures);
    expect(answer.tips.map((t: any) => t.title)).toEqual([
      'Look at income this month',
      'Look at income this month (2)',
      'Look at income this month (3)',
    ]);
  });

  it('leaves an answer that cites no keys as sampled', () => {
    const schema = { type: 'object', required: ['title'], properties: { title: { type: 'string' } } };
    expect(ask(schema, figures)).toEqual({ title: 'Sample title' });
  });
});
