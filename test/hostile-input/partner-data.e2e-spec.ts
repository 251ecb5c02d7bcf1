import { Db, ObjectId } from 'mongodb';
import { AppConfig } from '@app/config';
import { matchers, systemPrompt } from '../../tools/fake-openai';
import { request } from '../support/http';
import { connectDb, Infra, RunningApi, startApi, startInfra, testConfig } from '../support/stack';
import { signMainBackendToken } from '../support/tokens';
import { seedUser, SeedUser } from '../support/users';

const MAIN_BACKEND_COLLECTIONS = ['users', 'incomes', 'expenses', 'budgets', 'debts', 'savinggoals'];

/**
 * The main backend shares one thing between partners: household budgets (and the spending on them). Partners are
 * two users whose `partnerId` names each other. Setting one's own `partnerId` to someone (a one-sided pointer), or
 * pointing at a partner who has since been blocked or deleted, must not bring that person's budgets into the
 * caller's figures: here, the chat system prompt the model receives.
 */
describe('hostile input: partner data', () => {
  let infra: Infra;
  let config: AppConfig;
  let api: RunningApi;
  let db: Db;
  let closeDb: () => Promise<void>;
  const users: Record<string, SeedUser> = {};

  /** A household budget and this month's spending on it, as the main backend stores them. */
  async function household(owner: SeedUser, name: string, amount: number, spent: number) {
    const at = new Date(Date.now() - 60_000);
    const stamp = { isDeleted: false, createdAt: at, updatedAt: at, __v: 0 };
    const budgetId = new ObjectId();
    await db.collection('budgets').insertOne({
      _id: budgetId,
      name,
      amount,
      type: 'household',
      frequency: 'monthly',
      category: 'Essential(Needs)',
      userId: owner._id,
      ...stamp,
    });
    await db.collection('expenses').insertOne({
      name: `${name} spending`,
      amount: spent,
      endDate: at,
      frequency: 'on-off',
      userId: owner._id,
      budgetId,
      ...stamp,
    });
  }

  async function link(a: SeedUser, b: SeedUser | null) {
    await db.collection('users').updateOne({ _id: a._id }, { $set: { partnerId: b ? b._id : null } });
  }

  beforeAll(async () => {
    infra = await startInfra();
    config = testConfig(infra, { USER_CACHE_TTL_MS: '0' });
    ({ db, close: closeDb } = await connectDb(config));
    for (const name of ['alice', 'bob', 'mallory', 'carol', 'dave', 'erin', 'frank'])
      users[name] = await seedUser(db, { name });
    const { alice, bob, mallory, carol, dave, erin, frank } = users;
    // Alice and Bob are partners; Mallory points at Alice, who does not point back.
    await link(alice, bob);
    await link(bob, alice);
    await link(mallory, alice);
    await household(alice, 'Nursery fund', 4321, 1234.56);
    // Carol and Dave are partners, but Dave's account is blocked (in the case an admin tool happened to write).
    await link(carol, dave);
    await link(dave, carol);
    await db.collection('users').updateOne({ _id: dave._id }, { $set: { status: 'Blocked' } });
    await household(dave, 'Boat mooring', 8765, 987.65);
    // Erin and Frank were partners; Frank deleted his account.
    await link(erin, frank);
    await link(frank, erin);
    await db.collection('users').updateOne({ _id: frank._id }, { $set: { isDeleted: true } });
    await household(frank, 'Garden shed', 5555, 111.11);
    api = await startApi(config);
  });

  afterAll(async () => {
    await api?.close();
    await closeDb?.();
    await infra?.stop();
  });

  async function mainBackendSnapshot(): Promise<string> {
    const parts = await Promise.all(
      MAIN_BACKEND_COLLECTIONS.map(async (c) => [c, await db.collection(c).find().sort({ _id: 1 }).toArray()]),
    );
    return JSON.stringify(parts);
  }

  /** The system prompt of the caller's chat turn, after asserting the turn's exact status. */
  async function promptFor(asker: SeedUser): Promise<string> {
    const text = `What do my household budgets look like? (${asker.name})`;
    infra.model.enqueue({ match: matchers.lastUserIncludes(text), content: 'Here is where your budgets stand.' });
    const token = signMainBackendToken({ id: asker._id.toHexString(), email: asker.email, role: 'USER' });
    const res = await request(api.url, 'POST', '/chat/messages', { token, body: { text } });
    expect([asker.name, res.status]).toEqual([asker.name, 200]);
    const sent = infra.model.requests.find((r) => r.chat && JSON.stringify(r.chat.messages).includes(text));
    return systemPrompt(sent!.chat!);
  }

  it("includes a mutual, active partner's household budget (the control)", async () => {
    const prompt = await promptFor(users.bob);
    // The snapshot sums budgets (names are for budget_status): the partner's household budget is in the sums.
    expect(prompt).toContain('£1,234.56 spent of £4,321.00 budgeted');
  });

  it.each([
    ['mallory', 'a one-sided partnerId', 'Nursery fund', '4,321'],
    ['carol', "a partner whose status is 'Blocked'", 'Boat mooring', '8,765'],
    ['erin', 'a deleted partner', 'Garden shed', '5,555'],
  ])("%s, with %s, sees none of that user's budgets or spending", async (name, _case, budget, amount) => {
    const before = await mainBackendSnapshot();
    const prompt = await promptFor(users[name]);
    expect(prompt).not.toContain(budget);
    expect(prompt).not.toContain(amount);
    expect(prompt).not.toContain("household (partner's)");
    expect(await mainBackendSnapshot()).toBe(before);
  });
});
