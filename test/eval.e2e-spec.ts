import { PassThrough } from 'node:stream';
import { runEval, type EvalReport } from '../tools/eval/harness';
import { EVAL_TOOLS } from '../tools/eval/questions';

/** Runs the eval and keeps what it printed. */
async function evalRun(
  opts: Omit<Parameters<typeof runEval>[0], 'stdout'>,
): Promise<{ report: EvalReport; lines: string[] }> {
  const stdout = new PassThrough();
  let printed = '';
  stdout.on('data', (chunk: Buffer) => (printed += chunk.toString('utf8')));
  const report = await runEval({ ...opts, stdout });
  return { report, lines: printed.trimEnd().split('\n') };
}

describe('npm run eval: the chat eval against the fake model, scripted', () => {
  it('asks every question in English and Bengali, exercises every tool, and scores 100% when the system works', async () => {
    const { report, lines } = await evalRun({ mode: 'scripted' });

    expect(report.questions).toBeGreaterThanOrEqual(30);
    expect(report.bengali).toBeGreaterThanOrEqual(10);
    // Every tool the api offers, and nothing it does not, is what the questions cover.
    expect(report.toolsOffered).toEqual([...EVAL_TOOLS].sort());
    expect(report.toolsExercised).toEqual([...EVAL_TOOLS].sort());
    const failed = report.perQuestion.filter(
      (q) => !q.toolChoice || q.missingFigures.length || !q.verified || q.leaks.length || q.toolErrors || q.error,
    );
    expect(failed).toEqual([]);
    expect(report).toMatchObject({
      toolChoice: 100,
      toolPrecision: 100,
      figureAccuracy: 100,
      verificationPass: 100,
      leaks: 0,
    });
    // Every turn is model calls (a tool round and an answer, or an answer from the snapshot), accounted and priced.
    expect(report.perQuestion.every((q) => q.inputTokens > 0 && q.outputTokens > 0)).toBe(true);
    expect(report.tokens).toBe(report.inputTokens + report.outputTokens);
    expect(report.costUsd).toBeGreaterThan(0);

    // A table, then exactly one JSON line, last: the report itself.
    expect(lines.some((l) => l.includes('tesco-last-month') && l.includes('│'))).toBe(true);
    expect(lines.filter((l) => l.startsWith('{'))).toHaveLength(1);
    expect(JSON.parse(lines[lines.length - 1])).toEqual(JSON.parse(JSON.stringify(report)));
    expect(lines[lines.length - 1]).toMatch(/^\{"eval":"chat","mode":"scripted","model":"gpt-4o-mini","questions":\d+/);
  }, 120_000);

  it('fails a question whose answer invents a figure: figures missing, verification failed, the leak named', async () => {
    const invented = 'You spent £999.99 at Tesco last month.';
    const { report, lines } = await evalRun({ mode: 'scripted', only: ['tesco-last-month'], answer: () => invented });

    expect(report.questions).toBe(1);
    const [q] = report.perQuestion;
    // The right tool still ran: only the answer is wrong.
    expect(q).toMatchObject({ toolChoice: true, calledTools: ['search_transactions'] });
    expect(q.figuresFound).toBe(0);
    expect(q.missingFigures).toEqual(['£237.50', '4']);
    // The corrective round got the same invention back, so it stays unverified and is not replaced.
    expect(q).toMatchObject({ verified: false, unverified: ['£999.99'], corrected: false, leaks: ['£999.99'] });
    expect(report).toMatchObject({ figureAccuracy: 0, verificationPass: 0, leaks: 1 });
    expect(lines.some((l) => l.startsWith('tesco-last-month') && l.includes('unverified £999.99'))).toBe(true);
  }, 60_000);
});
