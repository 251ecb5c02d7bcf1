import { Injectable } from '@nestjs/common';
import type { Fact } from '@app/prompts';
import { ToolInputError, type ChatTool, type ToolContext, type ToolLanguage, type ToolResult } from '../chat-tool';
import { HelpIndex, type HelpPassage } from './help-index';

// A type, not an interface: it must fit the registry's ChatTool<Record<string, unknown>>.
export type AppHelpArgs = {
  query: string;
  limit?: number;
};

export const APP_HELP_DEFAULT_LIMIT = 3;
export const APP_HELP_MAX_LIMIT = 5;
export const APP_HELP_QUERY_MAX_CHARS = 300;
const SUMMARY_MAX_CHARS = 160;

const bnNumber = new Intl.NumberFormat('bn-BD');

function summaryOf(passages: HelpPassage[], language: ToolLanguage): string {
  const headings = passages.map((p) => p.heading).join(', ');
  let line: string;
  if (language === 'bn') {
    line =
      passages.length === 0
        ? 'অ্যাপের সহায়িকায় এ বিষয়ে কিছু পাওয়া যায়নি'
        : `সহায়িকার ${bnNumber.format(passages.length)}টি অংশ পাওয়া গেছে: ${headings}`;
  } else {
    line =
      passages.length === 0
        ? 'No help passage found'
        : `Found ${passages.length} help passage${passages.length === 1 ? '' : 's'}: ${headings}`;
  }
  return line.length > SUMMARY_MAX_CHARS ? `${line.slice(0, SUMMARY_MAX_CHARS - 1)}…` : line;
}

/**
 * Help text states no figure of the user's, but it does hold numbers ("the 50/30/20 guideline", "a 4-digit code"):
 * a reply quoting them must not be flagged as inventing figures, so each passage that has digits is a fact.
 */
function factsOf(passages: HelpPassage[]): Fact[] {
  return passages
    .filter((p) => /[0-9\u09e6-\u09ef]/.test(p.text))
    .map((p) => ({ key: `app_help:${p.id}`, label: `Help: ${p.heading}`, value: null, unit: null, text: p.text }));
}

/** Answers "how do I ..." and "can you ..." from the Markdown knowledge base in docs/help, never from the model's guess. */
@Injectable()
export class AppHelpTool implements ChatTool<AppHelpArgs> {
  readonly name = 'app_help';
  readonly description =
    'Search the app help: how to add, edit or delete incomes, expenses, budgets, debts and saving goals; partners and ' +
    'household budgets; repeating items; account, profile and notifications; what the assistant can and cannot do. ' +
    'Use it for any question about how the app or the assistant works, and answer from the passages only.';
  readonly parameters = {
    type: 'object',
    properties: {
      query: {
        type: 'string',
        minLength: 1,
        maxLength: APP_HELP_QUERY_MAX_CHARS,
        description: "The user's question about the app, in their words (English or Bengali).",
      },
      limit: {
        type: 'integer',
        minimum: 1,
        maximum: APP_HELP_MAX_LIMIT,
        description: `How many passages to return (default ${APP_HELP_DEFAULT_LIMIT}).`,
      },
    },
    required: ['query'],
    additionalProperties: false,
  };

  // Read and indexed once per process: the knowledge base ships with the code and changes only with a deploy.
  private readonly index: HelpIndex;

  constructor() {
    this.index = HelpIndex.fromDir();
  }

  /** How many sections the knowledge base holds (start-up checks and tests). */
  get sectionCount(): number {
    return this.index.sections.length;
  }

  run(args: AppHelpArgs, ctx: ToolContext): Promise<ToolResult> {
    const query = args.query.trim();
    if (!query) return Promise.reject(new ToolInputError('query must contain words'));
    const limit = Math.min(Math.max(Math.trunc(args.limit ?? APP_HELP_DEFAULT_LIMIT), 1), APP_HELP_MAX_LIMIT);
    const passages = this.index.find(query, limit);
    const data =
      passages.length === 0
        ? {
            passages: [],
            note: 'Nothing in the app help matches this question. Say so; do not guess how the app works.',
          }
        : { passages: passages.map(({ source, title, heading, text }) => ({ source, title, heading, text })) };
    return Promise.resolve({ data, summary: summaryOf(passages, ctx.language), facts: factsOf(passages) });
  }
}
