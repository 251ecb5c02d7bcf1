import type { ChatRequest, Reply, Responder } from '../../../tools/fake-openai';

/** The structured-output schema a request asks for, if any. */
export const schemaNameOf = (req: ChatRequest): string | undefined =>
  req.response_format?.type === 'json_schema' ? req.response_format.json_schema.name : undefined;

export const isExpenseParse = (req: ChatRequest) => schemaNameOf(req) === 'parsed_expense';
export const isReport = (req: ChatRequest) => /_optimisation_report$/.test(schemaNameOf(req) ?? '');
/** A chat turn: streamed free text, not a structured task (titles, parses, reports). */
export const isChatTurn = (req: ChatRequest) => req.stream === true && !schemaNameOf(req);

/** The answer for a note that says 12.50 (a parsed amount must be one the user wrote). */
export const parsedExpense = (description: string) => ({
  amount: 12.5,
  currency: 'GBP',
  category: 'Dining',
  description,
  date: '2026-01-15',
  unparseableReason: null,
});

/** States no amount or percentage, so it passes the report's check that the model only words our figures. */
export const reportWords = {
  summary: 'Your debts are manageable; paying the costliest first saves the most.',
  insights: [
    {
      title: 'Pay the costliest debt first',
      detail: 'Put any spare money towards the debt with the highest rate.',
      impact: 'medium',
      figureKeys: [],
    },
  ],
};

/**
 * A healthy model for every task the fault suites run: valid answers, after `delayMs` when the suite needs
 * jobs to stay in flight for a while (so a worker can be killed mid-job).
 */
export function healthyModel(delayMs = 0): Responder {
  return (req): Reply => {
    if (isExpenseParse(req)) return { json: parsedExpense('Parsed'), delayMs };
    if (isReport(req)) return { json: reportWords, delayMs };
    if (schemaNameOf(req) === 'conversation_title') return { json: { title: 'A conversation' }, delayMs };
    return { content: 'Here is what I see in your figures.', delayMs };
  };
}
