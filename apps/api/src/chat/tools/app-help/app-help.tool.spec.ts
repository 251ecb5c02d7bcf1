import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Ajv from 'ajv';
import MiniSearch from 'minisearch';
import { checkCitations } from '@app/prompts';
import { ToolInputError, type ToolContext } from '../chat-tool';
import { AppHelpTool } from './app-help.tool';
import { findHelpDocsDir, HelpDocsError, parseHelpFile, type HelpSection } from './help-docs';
import { HELP_PASSAGE_MAX_CHARS, HELP_TOTAL_MAX_CHARS, HelpIndex } from './help-index';

const REPO_ROOT = join(__dirname, '../../../../../..');
const DOCS_DIR = join(REPO_ROOT, 'docs/help');

const ctx = (language: 'en' | 'bn' = 'en'): ToolContext => ({
  userId: '64b000000000000000000001',
  now: new Date('2026-03-15T12:00:00Z'),
  timeZone: 'Europe/London',
  currency: 'GBP',
  locale: 'en-GB',
  language,
  snapshot: {} as ToolContext['snapshot'],
});

interface Passage {
  source: string;
  title: string;
  heading: string;
  text: string;
}
const passagesOf = (data: unknown): Passage[] => (data as { passages: Passage[] }).passages;

describe('AppHelpTool', () => {
  let tool: AppHelpTool;

  beforeAll(() => {
    tool = new AppHelpTool();
  });

  it('answers "how do I add a budget?" with the budget how-to first', async () => {
    const result = await tool.run({ query: 'how do I add a budget?' }, ctx());
    const [first] = passagesOf(result.data);
    expect(first).toMatchObject({ source: 'docs/help/budgets.md', title: 'Budgets', heading: 'Adding a budget' });
    expect(first.text).toContain('Essential (Needs)');
    expect(first.text).not.toMatch(/^keywords:/m);
    expect(result.summary).toMatch(/^Found \d help passages?: Adding a budget/);
  });

  it('answers "can you move money for me" with what the assistant cannot do', async () => {
    const result = await tool.run({ query: 'can you move money for me' }, ctx());
    const [first] = passagesOf(result.data);
    expect(first.heading).toBe('What the assistant cannot do');
    expect(first.text).toContain('cannot move money');
  });

  it.each([
    ["what can't you do?", 'What the assistant cannot do'],
    ['what can you do?', 'What the assistant can do'],
    ['how do I delete an expense', 'Deleting an expense'],
    ['invite my wife', 'Inviting a partner'],
    ['why does my monthly expense not repeat', 'Starting a repeating item'],
    ['when will I be debt free', 'Debt payoff plans and what-ifs'],
  ])('answers %p with "%s" first', async (query, heading) => {
    const result = await tool.run({ query }, ctx());
    expect(passagesOf(result.data)[0]?.heading).toBe(heading);
  });

  it.each([
    ['বাজেট কিভাবে যোগ করব', 'Adding a budget'],
    ['বাজেটের ক্যাটাগরি কী', 'Budget categories: Needs, Wants and Savings'],
    ['আমার সঙ্গীকে কিভাবে আমন্ত্রণ করব', 'Inviting a partner'],
    ['খরচ কিভাবে মুছব', 'Deleting an expense'],
    ['তুমি কী করতে পারো', 'What the assistant can do'],
  ])('finds the English section for the Bengali query %p', async (query, heading) => {
    const result = await tool.run({ query }, ctx('bn'));
    expect(passagesOf(result.data)[0]?.heading).toBe(heading);
  });

  it('writes the summary in Bengali for a Bengali turn', async () => {
    const result = await tool.run({ query: 'বাজেট কিভাবে যোগ করব', limit: 2 }, ctx('bn'));
    expect(result.summary).toMatch(/^সহায়িকার ২টি অংশ পাওয়া গেছে: Adding a budget, /);
  });

  it('returns an ok result, not an error, when nothing matches', async () => {
    const result = await tool.run({ query: 'xylophone quantum' }, ctx());
    expect(passagesOf(result.data)).toEqual([]);
    expect(result.data).toMatchObject({ note: expect.stringContaining('do not guess') });
    expect(result.summary).toBe('No help passage found');
    expect(result.facts).toEqual([]);
    expect((await tool.run({ query: 'xylophone quantum' }, ctx('bn'))).summary).toBe(
      'অ্যাপের সহায়িকায় এ বিষয়ে কিছু পাওয়া যায়নি',
    );
  });

  it('keeps to the limit, each passage and the total bounded', async () => {
    for (const limit of [1, 3, 5]) {
      const result = await tool.run({ query: 'add edit delete budget expense income debt goal partner', limit }, ctx());
      const passages = passagesOf(result.data);
      expect(passages).toHaveLength(limit);
      for (const p of passages) expect(p.text.length).toBeLessThanOrEqual(HELP_PASSAGE_MAX_CHARS);
      expect(JSON.stringify(result.data).length).toBeLessThanOrEqual(HELP_TOTAL_MAX_CHARS + 500);
    }
    expect(passagesOf((await tool.run({ query: 'budget' }, ctx())).data)).toHaveLength(3);
  });

  it('cuts long sections at a word and stops before the total bound', () => {
    const word = 'budget planning words ';
    const sections: HelpSection[] = Array.from({ length: 6 }, (_, i) => ({
      id: `big.md#s${i}`,
      source: 'docs/help/big.md',
      title: 'Big',
      heading: `Budget section ${i}`,
      body: word.repeat(200),
      keywords: '',
    }));
    const passages = new HelpIndex(sections).find('budget', 5);
    expect(passages.length).toBeGreaterThanOrEqual(3);
    expect(passages.length).toBeLessThan(5);
    const total = passages.reduce((n, p) => n + p.text.length + p.source.length + p.title.length + p.heading.length, 0);
    expect(total).toBeLessThanOrEqual(HELP_TOTAL_MAX_CHARS);
    for (const p of passages) {
      expect(p.text.length).toBeLessThanOrEqual(HELP_PASSAGE_MAX_CHARS);
      expect(p.text).toMatch(/(budget|planning|words)…$/);
    }
  });

  it('returns the numbers its passages state as facts, so a reply quoting the help is verified', async () => {
    const result = await tool.run({ query: 'debt insights interest' }, ctx());
    const insights = passagesOf(result.data).find((p) => p.heading === 'Debt insights');
    expect(insights?.text).toContain('top 3 debts');
    expect(result.facts).toContainEqual({
      key: 'app_help:docs/help/debts.md#debt-insights',
      label: 'Help: Debt insights',
      value: null,
      unit: null,
      text: insights?.text,
    });
    const reply = ['The app shows your top 3 debts by the share of the payment that goes to interest.'];
    const sheet = (facts: typeof result.facts) => ({ currency: 'GBP', locale: 'en-GB', facts });
    expect(checkCitations(sheet(result.facts), reply).uncited).toEqual([]);
    expect(checkCitations(sheet([]), reply).uncited).toEqual(['3 debts']);
    // A passage without digits adds no fact.
    const partners = await tool.run({ query: 'unlink partner', limit: 1 }, ctx());
    expect(passagesOf(partners.data)[0].heading).toBe('Unlinking a partner');
    expect(partners.facts).toEqual([]);
  });

  it('refuses a query of only spaces as a tool error', async () => {
    await expect(tool.run({ query: '   ' }, ctx())).rejects.toBeInstanceOf(ToolInputError);
  });

  describe('its parameters schema', () => {
    // As the registry compiles it: strict, so a misspelt keyword fails here too.
    const validate = new Ajv({ allErrors: true, strict: true }).compile(new AppHelpTool().parameters);

    it.each([
      ['an empty query', { query: '' }],
      ['an oversized query', { query: 'x'.repeat(301) }],
      ['no query', {}],
      ['a query that is not a string', { query: 42 }],
      ['a limit of 0', { query: 'budget', limit: 0 }],
      ['a limit of 6', { query: 'budget', limit: 6 }],
      ['a fractional limit', { query: 'budget', limit: 2.5 }],
      ['an argument it does not know', { query: 'budget', userId: '64b000000000000000000002' }],
    ])('rejects %s', (_what, args) => {
      expect(validate(args)).toBe(false);
    });

    it('accepts a query of 300 characters and a limit of 1 to 5', () => {
      expect(validate({ query: 'x'.repeat(300) })).toBe(true);
      expect(validate({ query: 'budget', limit: 1 })).toBe(true);
      expect(validate({ query: 'budget', limit: 5 })).toBe(true);
    });
  });

  it('reads and indexes the knowledge base once, not per call', async () => {
    const addAll = jest.spyOn(MiniSearch.prototype, 'addAll');
    try {
      const fresh = new AppHelpTool();
      for (const query of ['add a budget', 'delete my account', 'বাজেট', 'partner']) await fresh.run({ query }, ctx());
      expect(addAll).toHaveBeenCalledTimes(1);
      expect(fresh.sectionCount).toBeGreaterThan(40);
    } finally {
      addAll.mockRestore();
    }
  });
});

describe('the knowledge base in docs/help', () => {
  const files = readdirSync(DOCS_DIR).filter((f) => f.endsWith('.md'));

  it('has the topics the assistant is asked about', () => {
    expect(files).toEqual(
      expect.arrayContaining([
        'income.md',
        'expenses.md',
        'budgets.md',
        'debts.md',
        'saving-goals.md',
        'partners.md',
        'recurring.md',
        'account.md',
        'notifications.md',
        'assistant.md',
        'assistant-limits.md',
      ]),
    );
  });

  it.each(files)('%s parses into short sections, each with English and Bengali keywords', (file) => {
    const sections = parseHelpFile(`docs/help/${file}`, readFileSync(join(DOCS_DIR, file), 'utf8'));
    expect(sections.length).toBeGreaterThanOrEqual(1);
    for (const s of sections) {
      expect(s.heading).not.toBe('');
      expect(s.body.length).toBeLessThanOrEqual(HELP_PASSAGE_MAX_CHARS);
      expect(s.keywords).toMatch(/[\u0980-\u09ff]/);
      expect(s.keywords).toMatch(/[a-z]/i);
    }
  });
});

describe('parseHelpFile', () => {
  it('splits at ## headings, heads text before the first one with the title, and skips headings in code', () => {
    const md = [
      '# Topic',
      '',
      'Intro text.',
      '',
      '## First',
      'keywords: one, এক',
      '',
      'First text.',
      '```',
      '## not a heading',
      '```',
      '## Second',
      '',
      'Second text.',
      '## Empty',
      '',
    ].join('\n');
    const sections = parseHelpFile('docs/help/topic.md', md);
    expect(sections.map((s) => [s.id, s.heading])).toEqual([
      ['docs/help/topic.md#topic', 'Topic'],
      ['docs/help/topic.md#first', 'First'],
      ['docs/help/topic.md#second', 'Second'],
    ]);
    expect(sections[1]).toMatchObject({ keywords: 'one, এক', body: 'First text.\n```\n## not a heading\n```' });
  });

  it('refuses a file without a title or without text', () => {
    expect(() => parseHelpFile('a.md', '## Only a heading\n\nText.')).toThrow(HelpDocsError);
    expect(() => parseHelpFile('b.md', '# Title\n\n## Heading\n')).toThrow(/no section with text/);
  });
});

describe('findHelpDocsDir', () => {
  it('finds the repository docs from source and from the built dist', () => {
    expect(findHelpDocsDir(__dirname, '/')).toBe(DOCS_DIR);
    const dist = join(REPO_ROOT, 'dist/apps/api/apps/api/src/chat/tools/app-help');
    expect(findHelpDocsDir(dist, '/')).toBe(DOCS_DIR);
  });

  it('falls back to the working directory, and fails loudly when there is no knowledge base', () => {
    const elsewhere = mkdtempSync(join(tmpdir(), 'app-help-'));
    try {
      expect(findHelpDocsDir(elsewhere, REPO_ROOT)).toBe(DOCS_DIR);
      expect(() => findHelpDocsDir(elsewhere, elsewhere)).toThrow(HelpDocsError);
      writeFileSync(join(elsewhere, 'not-docs.md'), '# x');
      expect(() => findHelpDocsDir(elsewhere, elsewhere)).toThrow(/No help knowledge base/);
    } finally {
      rmSync(elsewhere, { recursive: true, force: true });
    }
  });
});
