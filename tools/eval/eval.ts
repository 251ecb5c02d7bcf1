/**
 * The chat eval (npm run eval):
 *
 *   node tools/run-ts.js tools/eval/eval.ts
 *
 * Without OPENAI_BASE_URL and OPENAI_API_KEY it runs scripted against the fake model (the harness and the system end
 * to end; anything under 100% there is a bug, and the exit code is 1). With both set it asks that endpoint instead,
 * EVAL_MODEL naming the model (default OPENAI_MODEL's default), and the exit code is 0 whatever the scores: a
 * measurement. Either way it prints a table and ends with one JSON line. EVAL_ONLY (comma-separated question ids)
 * asks a few; EVAL_VERBOSE=1 writes each answer to stderr.
 */
import { runBench } from '../bench/bench-kit';
import { runEval, type EvalReport } from './harness';

async function main(): Promise<void> {
  const baseURL = process.env.OPENAI_BASE_URL?.trim();
  const apiKey = process.env.OPENAI_API_KEY?.trim();
  const only = process.env.EVAL_ONLY?.split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const report: EvalReport =
    baseURL && apiKey
      ? await runEval({
          mode: 'endpoint',
          endpoint: { baseURL, apiKey, model: process.env.EVAL_MODEL?.trim() || undefined },
          only,
        })
      : await runEval({ mode: 'scripted', only });
  const perfect =
    report.toolChoice === 100 &&
    report.toolPrecision === 100 &&
    report.figureAccuracy === 100 &&
    report.verificationPass === 100 &&
    report.leaks === 0;
  if (report.mode === 'scripted' && !perfect) process.exitCode = 1;
}

runBench(main);
