import { buildFinancialContext, buildReportFigures, REPORT_TYPES } from '@app/finance';
import { hugeInputs } from '../../../finance/src/fixtures.testing';
// The estimate every prompt budget uses; imported from its file so this library stays free of the model client.
import { estimatePromptTokens } from '../../../llm/src/token-estimate';
import { FACT_PROMPT_MAX_TOKENS } from '../facts';
import { reportFacts } from './report-facts';
import { buildReportMessages } from './report.prompt';

describe('report prompts for a user with thousands of records', () => {
  const ctx = buildFinancialContext(hugeInputs(), { now: new Date('2026-04-15T10:00:00Z') });

  it.each(REPORT_TYPES)(
    `the %s report prompt stays under FACT_PROMPT_MAX_TOKENS (${FACT_PROMPT_MAX_TOKENS})`,
    (type) => {
      const { facts } = reportFacts(buildReportFigures(type, ctx));
      const messages = buildReportMessages({ type, facts, previousProblem: 'x'.repeat(200) });
      expect(estimatePromptTokens(messages)).toBeLessThanOrEqual(FACT_PROMPT_MAX_TOKENS);
    },
  );
});
