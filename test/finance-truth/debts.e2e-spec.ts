import { INestApplicationContext } from '@nestjs/common';
import { Db, ObjectId, type Document } from 'mongodb';
import type { ChatRequest, RecordedRequest, ScriptedReply } from '../../tools/fake-openai';
import { eventually, request } from '../support/http';
import { connectDb, Infra, RunningApi, startApi, startInfra, startWorker, testConfig } from '../support/stack';
import { signMainBackendToken } from '../support/tokens';
import { seedUser, SeedUser } from '../support/users';
import { chatTurn, snapshotLine, type ChatTurn } from './chat-turn';

/**
 * Issue 12's debt items through the API, on records shaped as the main backend writes them
 * (../shared/MAIN-BACKEND.md): debts that never lower `amount` and carry the app's progress in `completionRatio`,
 * a free-text `userInterestRate`, monthly incomes copied a period ahead (this month's copy is dated later this
 * month), expense copies without `budgetId`. What the user would see is read where they see it: in chat, the
 * snapshot in the system prompt and the result of the debt_payoff_plan tool the model calls for the details; and
 * POST /reports results (figures, and the facts the model is given).
 * Dates are in UTC (the suites' TIME_ZONE); M0 is this month, month 1 of every plan is next month.
 */

const DEBT_REPORT = 'debt_optimisation_report';
const schemaNameOf = (req: ChatRequest): string | undefined =>
  req.response_format?.type === 'json_schema' ? req.response_format.json_schema.name : undefined;
const isDebtReport = (r: RecordedRequest): boolean => !!r.chat && schemaNameOf(r.chat) === DEBT_REPORT;

/** A schema-valid debt report answer that cites nothing, reserved for debt report calls. */
const debtAnswer = (): ScriptedReply =>
  ({
    match: (req: ChatRequest) => schemaNameOf(req) === DEBT_REPORT,
    json: {
      summary: 'Here is how your debts stand.',
      insights: [
        { title: 'Look at your debts', detail: 'Start with the plan below.', impact: 'medium', figureKeys: [] },
      ],
    },
    usage: { prompt_tokens: 900, completion_tokens: 120 },
  }) as ScriptedReply;

describe('issue 12 debt figures through the API (items 6, 8, 12, 13c, 13d)', () => {
  let infra: Infra;
  let api: RunningApi;
  let worker: INestApplicationContext;
  let db: Db;
  let closeDb: () => Promise<void>;
  const users: Record<'stuck' | 'progress' | 'whatIf' | 'broke', SeedUser> = {} as never;

  const now = new Date();
  const at = (monthOffset: number, day: number, hour = 12) =>
    new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + monthOffset, day, hour));
  const monthKey = (monthOffset: number) => at(monthOffset, 1).toISOString().slice(0, 7);
  /** Between now and the end of this month: where the main backend has already put this month's copies. */
  const laterThisMonth = new Date((now.getTime() + at(1, 1, 0).getTime()) / 2);
  const stamp = (at: Date) => ({ isDeleted: false, createdAt: at, updatedAt: at, __v: 0 });
  const tokenFor = (u: SeedUser) => signMainBackendToken({ id: u._id.toHexString(), email: u.email, role: u.role });

  /** Salary on the 25th of each given month, as the income job copies it (this month's copy dated ahead). */
  const salary = (userId: ObjectId, months: number[], amount = 3000): Document[] =>
    [...months.map((m) => at(m, 25)), laterThisMonth].map((receiveDate) => ({
      name: 'Salary',
      amount,
      receiveDate,
      frequency: 'monthly',
      userId,
      ...stamp(receiveDate),
    }));
  const debt = (userId: ObjectId, fields: Document): Document => ({
    AdHocPayment: 0,
    capitalRepayment: 0,
    interestRepayment: 0,
    completionRatio: 0,
    payDueDate: at(1, 15),
    userId,
    ...fields,
    ...stamp(at(-6, 1)),
  });

  async function seed(): Promise<void> {
    for (const name of ['stuck', 'progress', 'whatIf', 'broke'] as const) users[name] = await seedUser(db, { name });
    const { stuck, progress, whatIf, broke } = users;
    await db.collection('incomes').insertMany([
      ...salary(stuck._id, [-3, -2, -1]),
      // progress: no salary recorded two months ago (item 8).
      ...salary(progress._id, [-3, -1]),
      ...salary(whatIf._id, [-3, -2, -1]),
    ]);
    // Rent copies: the series began with a budget; every copy since has no budgetId.
    const rent = new ObjectId();
    await db.collection('budgets').insertOne({
      _id: rent,
      name: 'Rent',
      amount: 900,
      type: 'personal',
      frequency: 'monthly',
      category: 'Essential(Needs)',
      userId: whatIf._id,
      ...stamp(at(-4, 1)),
    });
    await db.collection('expenses').insertMany(
      [-4, -3, -2, -1, 0, 1].map((m) => ({
        name: 'Rent',
        amount: 900,
        endDate: at(m, 1),
        frequency: 'monthly',
        userId: whatIf._id,
        ...(m === -4 ? { budgetId: rent } : {}),
        ...stamp(at(m - 1, 1)),
      })),
    );
    await db.collection('debts').insertMany([
      // Item 6: £10,000 at 30% paying £200.
      debt(stuck._id, { name: 'Store card', amount: 10000, monthlyPayment: 200, userInterestRate: 30 }),
      // Item 13c: the app shows 25% paid of £10,000; the phone at 100% is paid off.
      debt(progress._id, {
        name: 'Car loan',
        amount: 10000,
        monthlyPayment: 300,
        userInterestRate: 6,
        capitalRepayment: 2500,
        completionRatio: 25,
      }),
      debt(progress._id, {
        name: 'Phone',
        amount: 600,
        monthlyPayment: 50,
        userInterestRate: 10,
        completionRatio: 100,
      }),
      // Item 13d: 1990 typed for an APR; the payment splits £150 interest / £50 capital.
      debt(progress._id, {
        name: 'Credit card',
        amount: 10000,
        monthlyPayment: 200,
        userInterestRate: 1990,
        interestRepayment: 150,
        capitalRepayment: 50,
      }),
      // Item 12 (hand-worked in libs/finance/src/debt-payoff.spec.ts).
      debt(whatIf._id, { name: 'Card', amount: 1000, monthlyPayment: 100, userInterestRate: 12 }),
      debt(whatIf._id, { name: 'Loan', amount: 500, monthlyPayment: 50, userInterestRate: 0 }),
      // Item 8: payments due and no income recorded at all.
      debt(broke._id, { name: 'Overdraft', amount: 1500, monthlyPayment: 120, userInterestRate: 20 }),
    ]);
  }

  const postReport = (u: SeedUser, body: Document) =>
    request(api.url, 'POST', '/reports', { token: tokenFor(u), body });
  const finalReport = (u: SeedUser, id: string) =>
    eventually(
      () => request(api.url, 'GET', `/reports/${id}`, { token: tokenFor(u) }),
      (r) => r.body.status === 'completed' || r.body.status === 'failed',
    );
  const reportFacts = () => String(infra.model.requests.filter(isDebtReport).at(-1)!.chat!.messages[1].content);
  /** A chat turn about debts in which the model asks the payoff tool for today's plans (no extra money). */
  const debtChat = (u: SeedUser): Promise<ChatTurn> =>
    chatTurn(infra, api.url, tokenFor(u), 'My debts?', [{ name: 'debt_payoff_plan', arguments: {} }]);
  type Plan = Record<string, any>;
  const plansOf = (turn: ChatTurn): Plan[] => (turn.toolResults[0] as { plans: Plan[] }).plans;

  beforeAll(async () => {
    infra = await startInfra();
    const config = testConfig(infra, { REPORT_CACHE_WINDOW_MS: '600000', REPORTS_RATE_LIMIT: '1000' });
    ({ db, close: closeDb } = await connectDb(config));
    await seed();
    api = await startApi(config);
    worker = await startWorker(config);
  });

  afterAll(async () => {
    await worker?.close();
    await api?.close();
    await closeDb?.();
    await infra?.stop();
  });

  beforeEach(() => infra.model.reset());

  describe('item 6: £10,000 at 30% paying £200 never pays off', () => {
    // Month 1 interest 10000 x 30% / 12 = £250.00 against £200.00 paid: £50.00 short. Before: "£1,056,350.20 of
    // interest after 252 months".
    const never =
      'never pays off: £200.00 a month is £50.00 short of the £250.00 of interest charged in month 1, so the balance grows from month 1';

    it('says so in chat, with the shortfall and no totals', async () => {
      const turn = await debtChat(users.stuck);
      expect(snapshotLine(turn, 'DEBTS:')).toContain(
        'at £200.00/month from next month: avalanche never pays off (the payments do not cover the interest), snowball never pays off (the payments do not cover the interest); better: neither',
      );
      const [avalanche] = plansOf(turn);
      expect(avalanche).toMatchObject({
        strategy: 'avalanche',
        paysOff: false,
        feasible: false,
        problem: never,
        shortfall: '£50.00',
      });
      // No totals from an arbitrary horizon: a plan that never pays off has no months, interest or amount paid.
      for (const key of ['months', 'debtFreeMonth', 'totalInterest', 'totalInterestMinor', 'totalPaid'])
        expect(avalanche).not.toHaveProperty(key);
      expect([...turn.snapshot, ...turn.toolContents].join('\n')).not.toMatch(/1,056,350|still owed after/);
    });

    it('reports the shortfall as the figure, with no totals', async () => {
      infra.model.enqueue(debtAnswer());
      const accepted = await postReport(users.stuck, { type: 'debt' });
      expect(accepted.status).toBe(202);
      const done = await finalReport(users.stuck, accepted.body.id);
      expect(done.body.status).toBe('completed');
      expect(done.body.figures.payoff.avalanche).toMatchObject({
        paysOff: false,
        reason: 'payment-below-interest',
        months: null,
        totalInterestMinor: null,
        totalPaidMinor: null,
        shortfallMinor: 5000,
        firstMonth: { interestMinor: 25000, minimumsMinor: 20000 },
      });
      const facts = reportFacts();
      expect(facts).toContain(`[payoff.avalanche.shortfall] Avalanche (highest APR first): ${never}`);
      expect(facts).not.toContain('[payoff.avalanche.interest]');
    });
  });

  describe("items 8, 13c and 13d: income gaps, the app's progress, an implausible APR", () => {
    it('shows them in chat', async () => {
      const turn = await debtChat(users.progress);
      // Car loan: 10000 x (1 - 25/100) = £7,500.00 owed; the phone (100%) is paid off: 2 active, £7,500 + £10,000 =
      // £17,500.00, payments 300 + 200 = £500.00. Income M-3 £3,000, M-2 none, M-1 £3,000: 600000 / 3 = £2,000.00 a
      // month, so 500 / 2000 = 25.0%. Before: £10,000.00 and an active £600.00 phone; M-2 skipped, £3,000 and 16.7%.
      expect(snapshotLine(turn, 'DEBTS:')).toMatch(
        /^DEBTS: 2 active debts, total £17,500\.00, payments £500\.00\/month, debt-to-income 25\.0%;/,
      );
      // 1990 typed for an APR: flagged as a data gap, not used.
      expect(snapshotLine(turn, 'DATA GAPS')).toContain('debt-apr-implausible');
      // The plans run on those balances and on the Credit card's APR estimated from the payment's split:
      // 200 x 150 / (150 + 50) = £150 interest on £10,000 a month, 18%. At the entered 1990% its month-1 interest
      // (£16,583.33) would dwarf its £200 payment and no plan would pay off. From next month, £500 a month: the Car
      // loan (£7,500 at 6%, £300) goes in month 27 and its £300 then joins the Credit card's £200, which goes in
      // month 47; interest (pence rounded half up each month) £5,593.73. Paying only the minimums: the card's £200
      // alone until month 94, £9,154.36. (Checked by a separate month-by-month simulation; from the £10,000 the app
      // no longer shows as owed it would be months 37 and 54, £6,953.25.)
      const [avalanche] = plansOf(turn);
      expect(avalanche).toMatchObject({
        strategy: 'avalanche',
        paysOff: true,
        monthlyPayment: '£500.00',
        months: 47,
        debtFreeMonth: monthKey(47),
        totalInterest: '£5,593.73',
        savesVsMinimumsOnly: { months: 47, interest: '£3,560.63' },
        payoffOrder: [
          { name: 'Car loan', month: 27, monthKey: monthKey(27) },
          { name: 'Credit card', month: 47, monthKey: monthKey(47) },
        ],
      });
      expect(turn.toolResults[0]).toMatchObject({
        debts: { active: 2, totalBalance: '£17,500.00', monthlyPayments: '£500.00' },
        minimumsOnly: { paysOff: true, months: 94, totalInterest: '£9,154.36' },
      });
      // Each debt as the app shows it: the balance from its progress, where its APR came from, or paid off.
      expect(JSON.parse(turn.toolContents[0]).items).toEqual([
        {
          name: 'Credit card',
          balance: '£10,000.00',
          monthlyPayment: '£200.00',
          apr: "APR 18.0% (estimated from the payment's interest part; the entered 1990% is implausible)",
        },
        {
          name: 'Car loan',
          balance: "£7,500.00 (from the app's progress: 25% paid of £10,000.00)",
          monthlyPayment: '£300.00',
          apr: 'APR 6.0% (as entered)',
        },
        { name: 'Phone', status: 'paid off', progress: '100% paid' },
      ]);
      expect(JSON.parse(turn.toolContents[0]).debtToIncome.measuredOn).toMatch(/counted as zero/);
    });

    it('and in the debt report', async () => {
      infra.model.enqueue(debtAnswer());
      const accepted = await postReport(users.progress, { type: 'debt' });
      const done = await finalReport(users.progress, accepted.body.id);
      const f = done.body.figures;
      expect(f).toMatchObject({ activeCount: 2, totalBalanceMinor: 1750000, monthlyIncomeMinor: 200000 });
      expect(f.incomeBasis.monthsWithoutIncome).toEqual([monthKey(-2)]);
      expect(
        f.debts.map((x: Document) => [x.name, x.balanceMinor, x.completionPct, x.aprPct, x.aprSource, x.status]),
      ).toEqual([
        ['Credit card', 1000000, 0, 18, 'estimated', 'active'],
        ['Car loan', 750000, 25, 6, 'user', 'active'],
        ['Phone', 0, 100, 10, 'user', 'paid'],
      ]);
      expect(reportFacts()).toContain('Debt payments as a share of recorded take-home income (not gross pay): 25.0%');
    });

    it('puts debts with no income at all first among the red flags', async () => {
      const turn = await debtChat(users.broke);
      expect(snapshotLine(turn, 'RED FLAGS')).toMatch(
        /^RED FLAGS: \[critical\] debt to income: debt payments £120\.00\/month and no income recorded(;| \|)/,
      );
    });
  });

  describe('item 12: what-if in the debt report', () => {
    // Card £1,000 at 12% (£100), Loan £500 at 0% (£50); £150 more a month and £200 once. Minimums only: 11 months,
    // £58.98. Avalanche: 5 months, £19.45, saving 6 months and £39.53. Snowball: 5 months, £31.86, saving 6 and £27.12.
    let whatIfId: string;

    it('runs both strategies with the extra money and shows what they save against the minimums', async () => {
      infra.model.enqueue(debtAnswer());
      const accepted = await postReport(users.whatIf, { type: 'debt', extraMonthly: 150, lumpSum: 200 });
      expect(accepted.status).toBe(202);
      whatIfId = accepted.body.id;
      const done = await finalReport(users.whatIf, whatIfId);
      expect(done.body).toMatchObject({
        status: 'completed',
        whatIf: { extraMonthlyMinor: 15000, lumpSumMinor: 20000 },
      });
      expect(done.body.figures.whatIf).toMatchObject({
        extraMonthlyMinor: 15000,
        lumpSumMinor: 20000,
        minimumsOnly: { paysOff: true, months: 11, totalInterestMinor: 5898, debtFreeMonthKey: monthKey(11) },
        avalanche: { months: 5, totalInterestMinor: 1945, debtFreeMonthKey: monthKey(5) },
        snowball: { months: 5, totalInterestMinor: 3186 },
        avalancheSaves: { monthsSaved: 6, interestSavedMinor: 3953 },
        snowballSaves: { monthsSaved: 6, interestSavedMinor: 2712 },
      });
      const facts = reportFacts();
      expect(facts).toContain(
        '[what_if.extra_monthly] What-if: extra paid every month on top of the minimums: £150.00',
      );
      expect(facts).toContain(
        '[what_if.avalanche.interest_saved] What-if avalanche (highest APR first) with the extra money: interest saved against paying only the minimums: £39.53',
      );
      expect(facts).toContain(
        '[what_if.snowball.months_saved] What-if snowball (smallest starting balance first) with the extra money: months saved against paying only the minimums: 6 months',
      );
    });

    it('makes the amounts part of the report identity and cache key', async () => {
      // The same amounts on unchanged data: the stored report, no model call.
      const again = await postReport(users.whatIf, { type: 'debt', extraMonthly: 150, lumpSum: 200 });
      expect(again.status).toBe(200);
      expect(again.body).toMatchObject({ id: whatIfId, cached: true });

      // Other amounts, or none, are other reports.
      infra.model.enqueue(debtAnswer(), debtAnswer());
      const other = await postReport(users.whatIf, { type: 'debt', extraMonthly: 100 });
      const plain = await postReport(users.whatIf, { type: 'debt' });
      expect(other.status).toBe(202);
      expect(plain.status).toBe(202);
      expect(new Set([whatIfId, other.body.id, plain.body.id]).size).toBe(3);
      const plainDone = await finalReport(users.whatIf, plain.body.id);
      expect(plainDone.body).toMatchObject({ whatIf: null, figures: { whatIf: null } });
      const otherDone = await finalReport(users.whatIf, other.body.id);
      expect(otherDone.body.figures.whatIf).toMatchObject({ extraMonthlyMinor: 10000, lumpSumMinor: 0 });
      // Zero is no what-if: the plain report, reused.
      const zero = await postReport(users.whatIf, { type: 'debt', extraMonthly: 0 });
      expect(zero.body).toMatchObject({ id: plain.body.id, cached: true });
    });

    it.each([
      [{ type: 'debt', extraMonthly: -1 }, /extraMonthly must not be less than 0/],
      [{ type: 'debt', extraMonthly: 100000.01 }, /extraMonthly must not be greater than 100000/],
      [{ type: 'debt', lumpSum: 1000001 }, /lumpSum must not be greater than 1000000/],
      [{ type: 'debt', lumpSum: 10.005 }, /lumpSum/],
      [{ type: 'debt', extraMonthly: '150' }, /extraMonthly/],
      [{ type: 'budget', extraMonthly: 150 }, /only to debt reports/],
      [{ type: 'debt', extra: 150 }, /property extra should not exist/],
    ])('refuses %j with a clear 400', async (body, message) => {
      const res = await postReport(users.whatIf, body);
      expect(res.status).toBe(400);
      expect(res.body.code).toBe('validation_failed');
      expect(JSON.stringify(res.body)).toMatch(message);
    });
  });
});
