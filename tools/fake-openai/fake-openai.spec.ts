import http from 'node:http';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import OpenAI from 'openai';
import type { ChatCompletionChunk } from 'openai/resources/chat/completions';
import { main as startCli } from './cli';
import { DEMO_LABEL, type FakeOpenAI, matchers, realmSafeFetch, startFakeOpenAI } from './index';

const ajv = addFormats(new Ajv({ strict: false, allErrors: true }));

function expectValid(schema: unknown, value: unknown): void {
  const validate = ajv.compile(schema as object);
  if (!validate(value)) throw new Error(`${JSON.stringify(value)} is invalid: ${ajv.errorsText(validate.errors)}`);
}

const user = (content: string) => ({
  model: 'gpt-4o-mini',
  messages: [{ role: 'user' as const, content }],
});

describe('fake OpenAI server driven by the real SDK', () => {
  let fake: FakeOpenAI;
  const client = (options: { maxRetries: number; timeout?: number }) =>
    new OpenAI({ apiKey: 'test-key', baseURL: fake.baseURL, ...options });

  beforeAll(async () => {
    fake = await startFakeOpenAI();
  });
  afterEach(() => fake.reset());
  afterAll(() => fake.close());

  it('exposes a loopback /v1 base URL', () => {
    expect(fake.baseURL).toBe(`http://127.0.0.1:${fake.port}/v1`);
    expect(fake.port).toBeGreaterThan(0);
  });

  describe('plain completions', () => {
    it('returns the scripted content as a chat.completion echoing the model', async () => {
      fake.enqueue({ content: 'You spent €120 on groceries.', usage: { prompt_tokens: 11, completion_tokens: 7 } });

      const completion = await client({ maxRetries: 0 }).chat.completions.create({
        model: 'gpt-4o',
        messages: [{ role: 'user', content: 'How much on groceries?' }],
      });

      expect(completion.object).toBe('chat.completion');
      expect(completion.id).toMatch(/^chatcmpl-/);
      expect(completion.model).toBe('gpt-4o');
      expect(completion.choices).toHaveLength(1);
      expect(completion.choices[0].message).toMatchObject({
        role: 'assistant',
        content: 'You spent €120 on groceries.',
      });
      expect(completion.choices[0].finish_reason).toBe('stop');
      expect(completion.usage).toEqual({ prompt_tokens: 11, completion_tokens: 7, total_tokens: 18 });
      expect(completion._request_id).toMatch(/^req_fake_/);
    });

    it('estimates usage as ceil(chars / 4) and honours a scripted finish reason', async () => {
      fake.enqueue({ content: 'abcdefghi', finishReason: 'length' });

      const completion = await client({ maxRetries: 0 }).chat.completions.create(user('12345'));

      expect(completion.choices[0].finish_reason).toBe('length');
      expect(completion.usage).toEqual({ prompt_tokens: 2, completion_tokens: 3, total_tokens: 5 });
    });

    it('consumes the script in FIFO order, then falls back to the demo responder', async () => {
      fake.enqueue({ content: 'first' }, { content: 'second' });
      const openai = client({ maxRetries: 0 });

      const answers = [];
      for (let i = 0; i < 3; i++)
        answers.push((await openai.chat.completions.create(user('hi'))).choices[0].message.content);

      expect(answers[0]).toBe('first');
      expect(answers[1]).toBe('second');
      expect(answers[2]?.startsWith(DEMO_LABEL)).toBe(true);
    });
  });

  describe('streaming', () => {
    it('streams a role delta, ordered content chunks, a finish chunk and a usage chunk after delayMs', async () => {
      const content = 'Your rent is 40% of income.';
      fake.enqueue({ content, chunkSize: 5, delayMs: 150, chunkDelayMs: 20 });

      const started = Date.now();
      const stream = await client({ maxRetries: 0 }).chat.completions.create({
        ...user('rent?'),
        stream: true,
        stream_options: { include_usage: true },
      });
      const received: { chunk: ChatCompletionChunk; at: number }[] = [];
      for await (const chunk of stream) received.push({ chunk, at: Date.now() - started });

      const chunks = received.map((r) => r.chunk);
      const [first, ...rest] = chunks;
      const usageChunk = rest.pop()!;
      const finishChunk = rest.pop()!;
      const pieces = rest.map((c) => c.choices[0].delta.content);

      expect(received[0].at).toBeGreaterThanOrEqual(150);
      expect(first.choices[0].delta.role).toBe('assistant');
      expect(pieces).toEqual(['Your ', 'rent ', 'is 40', '% of ', 'incom', 'e.']);
      expect(pieces.join('')).toBe(content);
      expect(finishChunk.choices[0]).toMatchObject({ delta: {}, finish_reason: 'stop' });
      expect(usageChunk.choices).toEqual([]);
      expect(usageChunk.usage).toEqual({ prompt_tokens: 2, completion_tokens: 7, total_tokens: 9 });
      expect(
        chunks.every((c) => c.object === 'chat.completion.chunk' && c.id === first.id && c.model === 'gpt-4o-mini'),
      ).toBe(true);
      // The first chunk goes out at delayMs, every later one chunkDelayMs after its predecessor.
      expect(received.at(-1)!.at).toBeGreaterThanOrEqual(150 + (chunks.length - 1) * 20);
      await fake.waitForIdle();
      expect(fake.stats).toMatchObject({ completed: 1, aborted: 0 });
    });

    it('omits the usage chunk unless include_usage is requested, and splits by words by default', async () => {
      fake.enqueue({ content: 'one two three four five six seven' });

      const stream = await client({ maxRetries: 0 }).chat.completions.create({ ...user('count'), stream: true });
      const chunks: ChatCompletionChunk[] = [];
      for await (const chunk of stream) chunks.push(chunk);

      expect(chunks.map((c) => c.choices[0]?.delta.content ?? null)).toEqual([
        '',
        'one two three ',
        'four five six ',
        'seven',
        null,
      ]);
      expect(chunks.at(-1)!.choices[0].finish_reason).toBe('stop');
      expect(chunks.some((c) => c.usage)).toBe(false);
    });
  });

  describe('tool calls', () => {
    const recordExpenseParameters = {
      type: 'object',
      properties: {
        amount: { type: 'number', exclusiveMinimum: 0 },
        currency: { type: 'string', enum: ['EUR', 'USD'] },
        category: { type: 'string' },
        date: { type: 'string', format: 'date' },
        tags: { type: 'array', items: { type: 'string' }, maxItems: 3 },
      },
      required: ['amount', 'currency', 'category', 'date', 'tags'],
      additionalProperties: false,
    };
    const tools: OpenAI.Chat.Completions.ChatCompletionTool[] = [
      { type: 'function', function: { name: 'record_expense', parameters: recordExpenseParameters } },
      { type: 'function', function: { name: 'lookup_budget', parameters: { type: 'object', properties: {} } } },
    ];

    it('returns scripted tool calls without streaming', async () => {
      fake.enqueue({
        toolCalls: [
          { name: 'record_expense', arguments: { amount: 12.5, currency: 'EUR' }, id: 'call_fixed' },
          { name: 'lookup_budget', arguments: '{}' },
        ],
      });

      const completion = await client({ maxRetries: 0 }).chat.completions.create({ ...user('coffee 12.50'), tools });
      const choice = completion.choices[0];

      expect(choice.finish_reason).toBe('tool_calls');
      expect(choice.message.content).toBeNull();
      expect(choice.message.tool_calls).toEqual([
        {
          id: 'call_fixed',
          type: 'function',
          function: { name: 'record_expense', arguments: '{"amount":12.5,"currency":"EUR"}' },
        },
        { id: expect.stringMatching(/^call_/), type: 'function', function: { name: 'lookup_budget', arguments: '{}' } },
      ]);
    });

    it('streams tool-call deltas that the SDK assembles into complete calls', async () => {
      const args = { amount: 42.1, currency: 'USD', category: 'Transport', date: '2025-02-01', tags: ['taxi'] };
      fake.enqueue({
        toolCalls: [
          { name: 'record_expense', arguments: args },
          { name: 'lookup_budget', arguments: {} },
        ],
      });

      const stream = client({ maxRetries: 0 }).chat.completions.stream({ ...user('taxi 42.10 USD'), tools });
      const deltas: ChatCompletionChunk.Choice.Delta.ToolCall[] = [];
      stream.on('chunk', (chunk) => deltas.push(...(chunk.choices[0]?.delta.tool_calls ?? [])));
      const final = await stream.finalChatCompletion();

      const calls = final.choices[0].message.tool_calls!;
      expect(final.choices[0].finish_reason).toBe('tool_calls');
      expect(calls.map((c) => c.type === 'function' && c.function.name)).toEqual(['record_expense', 'lookup_budget']);
      expect(calls[0].type === 'function' && JSON.parse(calls[0].function.arguments)).toEqual(args);
      // Arguments really arrived in fragments, with the id and name only on each call's first delta.
      const firstCall = deltas.filter((d) => d.index === 0);
      expect(firstCall.length).toBeGreaterThan(3);
      expect(firstCall[0]).toMatchObject({
        id: expect.any(String),
        function: { name: 'record_expense', arguments: '' },
      });
      expect(firstCall.slice(1).every((d) => d.id === undefined && d.function?.name === undefined)).toBe(true);
    });

    it('answers a forced function with arguments that validate against its parameters by default', async () => {
      const completion = await client({ maxRetries: 0 }).chat.completions.create({
        ...user('coffee 3 EUR'),
        tools,
        tool_choice: { type: 'function', function: { name: 'record_expense' } },
      });

      const call = completion.choices[0].message.tool_calls![0];
      if (call.type !== 'function') throw new Error(`expected a function call, got ${call.type}`);
      expect(call.function.name).toBe('record_expense');
      expectValid(recordExpenseParameters, JSON.parse(call.function.arguments));
    });

    it("treats tool_choice 'required' as forcing the first function, and 'auto' as free text", async () => {
      const openai = client({ maxRetries: 0 });

      const required = await openai.chat.completions.create({ ...user('x'), tools, tool_choice: 'required' });
      const auto = await openai.chat.completions.create({ ...user('x'), tools, tool_choice: 'auto' });

      expect(required.choices[0].message.tool_calls?.[0]).toMatchObject({ function: { name: 'record_expense' } });
      expect(auto.choices[0].message.tool_calls).toBeUndefined();
      expect(auto.choices[0].message.content?.startsWith(DEMO_LABEL)).toBe(true);
    });
  });

  describe('structured outputs from the default responder', () => {
    const reportSchema = {
      type: 'object',
      $defs: {
        money: {
          type: 'object',
          properties: { amount: { type: 'number', minimum: 0 }, currency: { type: 'string', pattern: '^[A-Z]{3}$' } },
          required: ['amount', 'currency'],
          additionalProperties: false,
        },
      },
      properties: {
        title: { type: 'string', maxLength: 40 },
        period: {
          type: 'object',
          properties: { from: { type: 'string', format: 'date' }, to: { type: 'string', format: 'date' } },
          required: ['from', 'to'],
          additionalProperties: false,
        },
        total: { $ref: '#/$defs/money' },
        categories: {
          type: 'array',
          minItems: 3,
          maxItems: 6,
          items: {
            type: 'object',
            properties: {
              name: { type: 'string' },
              spent: { $ref: '#/$defs/money' },
              trend: { type: 'string', enum: ['up', 'down', 'flat'] },
              sharePercent: { type: 'integer', minimum: 0, maximum: 100 },
            },
            required: ['name', 'spent', 'trend', 'sharePercent'],
            additionalProperties: false,
          },
        },
        alert: {
          anyOf: [
            {
              type: 'object',
              properties: { level: { const: 'warning' }, message: { type: 'string', minLength: 10 } },
              required: ['level', 'message'],
              additionalProperties: false,
            },
            { type: 'null' },
          ],
        },
        confidence: { type: ['number', 'null'], minimum: 0, maximum: 1 },
        done: { type: 'boolean' },
      },
      required: ['title', 'period', 'total', 'categories', 'alert', 'confidence', 'done'],
      additionalProperties: false,
    };

    it('produces JSON that validates against the requested schema (parsed by the SDK)', async () => {
      const completion = await client({ maxRetries: 0 }).chat.completions.parse({
        ...user('monthly report'),
        response_format: { type: 'json_schema', json_schema: { name: 'report', strict: true, schema: reportSchema } },
      });

      const parsed = completion.choices[0].message.parsed as unknown as {
        title: string;
        categories: { trend: string }[];
      };
      expectValid(reportSchema, parsed);
      expect(parsed.title).toBe('Sample title');
      expect(parsed.categories.map((c) => c.trend)).toEqual(['up', 'down', 'flat']);
    });

    it('streams structured output that still validates once assembled', async () => {
      const schema = {
        type: 'object',
        properties: { tips: { type: 'array', items: { type: 'string' }, minItems: 2 } },
        required: ['tips'],
      };
      const stream = client({ maxRetries: 0 }).chat.completions.stream({
        ...user('tips'),
        response_format: { type: 'json_schema', json_schema: { name: 'tips', schema } },
      });

      const final = await stream.finalChatCompletion();

      expectValid(schema, JSON.parse(final.choices[0].message.content!));
    });

    it('wraps the demo text in an object for json_object mode', async () => {
      const completion = await client({ maxRetries: 0 }).chat.completions.create({
        ...user('json please'),
        response_format: { type: 'json_object' },
      });

      const body = JSON.parse(completion.choices[0].message.content!) as { reply: string };
      expect(body.reply.startsWith(DEMO_LABEL)).toBe(true);
    });
  });

  describe('errors and retries', () => {
    it('sends 429 with retry-after headers the SDK honours before retrying', async () => {
      fake.enqueue({ error: { status: 429, retryAfterSeconds: 0.3 } }, { content: 'after the rate limit' });

      const started = Date.now();
      const completion = await client({ maxRetries: 1 }).chat.completions.create(user('hi'));

      expect(completion.choices[0].message.content).toBe('after the rate limit');
      expect(Date.now() - started).toBeGreaterThanOrEqual(300);
      expect(fake.requests).toHaveLength(2);
      expect(fake.requests.map((r) => r.headers['x-stainless-retry-count'])).toEqual(['0', '1']);
      expect(fake.requests[1].receivedAt - fake.requests[0].receivedAt).toBeGreaterThanOrEqual(300);
    });

    it('surfaces a 429 as RateLimitError with the OpenAI error body and headers when retries are off', async () => {
      fake.enqueue({ error: { status: 429, retryAfterSeconds: 2, message: 'slow down' } });

      const error = await client({ maxRetries: 0 })
        .chat.completions.create(user('hi'))
        .catch((e: unknown) => e);

      expect(error).toBeInstanceOf(OpenAI.RateLimitError);
      const rateLimit = error as InstanceType<typeof OpenAI.RateLimitError>;
      expect(rateLimit.status).toBe(429);
      expect(rateLimit.error).toEqual({
        message: 'slow down',
        type: 'requests',
        param: null,
        code: 'rate_limit_exceeded',
      });
      expect(rateLimit.headers.get('retry-after')).toBe('2');
      expect(rateLimit.headers.get('retry-after-ms')).toBe('2000');
    });

    it('returns 500 as InternalServerError, and the SDK retries it when allowed', async () => {
      fake.enqueue({ error: { status: 500, message: 'boom' } });
      await expect(client({ maxRetries: 0 }).chat.completions.create(user('hi'))).rejects.toMatchObject({
        constructor: OpenAI.InternalServerError,
        status: 500,
        error: { message: 'boom', type: 'server_error' },
      });
      expect(fake.requests).toHaveLength(1);

      fake.enqueue({ error: { status: 500, retryAfterSeconds: 0 } }, { content: 'recovered' });
      const completion = await client({ maxRetries: 1 }).chat.completions.create(user('hi'));
      expect(completion.choices[0].message.content).toBe('recovered');
      expect(fake.requests).toHaveLength(3);
    });

    it('makes the SDK throw on a garbage body, streaming or not', async () => {
      // The SDK console.errors unparseable stream events before throwing; keep the output clean.
      const openai = new OpenAI({ apiKey: 'k', baseURL: fake.baseURL, maxRetries: 0, logLevel: 'off' });

      // Matched by name: the JSON parser's SyntaxError comes from outside Jest's realm.
      const notJson = { name: 'SyntaxError', message: expect.stringContaining('is not valid JSON') };

      fake.enqueue({ garbage: '<html>502 Bad Gateway</html>' });
      await expect(openai.chat.completions.create(user('hi'))).rejects.toMatchObject(notJson);

      fake.enqueue({ garbage: 'not json at all' });
      const stream = await openai.chat.completions.create({ ...user('hi'), stream: true });
      await expect(
        (async () => {
          for await (const _chunk of stream);
        })(),
      ).rejects.toMatchObject(notJson);

      fake.enqueue({ garbage: 'upstream exploded', status: 502 });
      await expect(openai.chat.completions.create(user('hi'))).rejects.toMatchObject({
        status: 502,
        message: expect.stringContaining('upstream exploded'),
      });
    });

    it('turns a throwing responder into a 500 that names the problem', async () => {
      fake.setResponder(() => {
        throw new Error('responder bug');
      });

      await expect(client({ maxRetries: 0 }).chat.completions.create(user('hi'))).rejects.toMatchObject({
        status: 500,
        message: expect.stringContaining('responder bug'),
      });
    });
  });

  describe('timeouts and cancellation', () => {
    it('hangs until the client times out, which counts as an abort', async () => {
      fake.enqueue({ hang: true });
      const openai = new OpenAI({
        apiKey: 'k',
        baseURL: fake.baseURL,
        maxRetries: 0,
        timeout: 200,
        fetch: realmSafeFetch,
      });

      const started = Date.now();
      await expect(openai.chat.completions.create(user('hi'))).rejects.toBeInstanceOf(OpenAI.APIConnectionTimeoutError);
      expect(Date.now() - started).toBeGreaterThanOrEqual(200);

      await fake.waitForIdle();
      expect(fake.stats).toEqual({ completed: 0, aborted: 1, inFlight: 0 });
    });

    it('needs realmSafeFetch under Jest: with the plain global fetch the timeout loses its type', async () => {
      // Pins the Jest realm quirk realmSafeFetch works around; if this starts failing, the helper
      // (and its use in app e2e tests) can go.
      fake.enqueue({ hang: true });

      const error = await client({ maxRetries: 0, timeout: 100 })
        .chat.completions.create(user('hi'))
        .catch((e: unknown) => e);

      expect(error).toBeInstanceOf(OpenAI.APIConnectionError);
      expect(error).not.toBeInstanceOf(OpenAI.APIConnectionTimeoutError);
      await fake.waitForIdle();
      expect(fake.stats.aborted).toBe(1);
    });

    it('notices an AbortController abort mid-stream and stops writing', async () => {
      fake.enqueue({ content: 'word '.repeat(200), chunkSize: 5, chunkDelayMs: 10 });
      const controller = new AbortController();

      const stream = await client({ maxRetries: 0 }).chat.completions.create(
        { ...user('long answer'), stream: true },
        { signal: controller.signal },
      );
      let received = 0;
      for await (const _chunk of stream) {
        if (++received === 3) controller.abort();
      }

      expect(received).toBe(3);
      await fake.waitForIdle();
      expect(fake.stats).toEqual({ completed: 0, aborted: 1, inFlight: 0 });
    });

    it("counts delayMs from the request's arrival, not from when its body was read", async () => {
      fake.enqueue({ content: 'on time', delayMs: 300 });
      const body = JSON.stringify(user('a prompt that is slow to arrive'));
      const url = new URL(`${fake.baseURL}/chat/completions`);
      const answered = new Promise<{ bodySentAt: number; answeredAt: number }>((resolve, reject) => {
        let bodySentAt = 0;
        const req = http.request(
          url,
          {
            method: 'POST',
            headers: {
              authorization: 'Bearer test-key',
              'content-type': 'application/json',
              'content-length': Buffer.byteLength(body),
            },
          },
          (res) => {
            const answeredAt = performance.now();
            res.resume();
            res.on('end', () => resolve({ bodySentAt, answeredAt }));
          },
        );
        req.on('error', reject);
        req.flushHeaders();
        // The body comes after the whole delay: the reply is due as soon as it is read.
        setTimeout(() => {
          bodySentAt = performance.now();
          req.end(body);
        }, 400);
      });

      const { bodySentAt, answeredAt } = await answered;
      // Counted from the body instead, the answer would come 300 ms after it.
      expect(answeredAt - bodySentAt).toBeLessThan(250);
    });

    it('counts a reply that is still being delayed as in flight', async () => {
      fake.enqueue({ content: 'late', delayMs: 150 });

      const pending = client({ maxRetries: 0 }).chat.completions.create(user('hi'));
      await waitUntil(() => fake.stats.inFlight === 1);
      await pending;

      await fake.waitForIdle();
      expect(fake.stats).toEqual({ completed: 1, aborted: 0, inFlight: 0 });
    });
  });

  describe('recording and scripting', () => {
    it('records method, path, headers, parsed body and time of every request', async () => {
      const before = Date.now();
      await client({ maxRetries: 0 }).chat.completions.create({
        model: 'gpt-4o-mini',
        messages: [
          { role: 'system', content: 'You are a finance assistant.\nBalance: €1,204.50' },
          { role: 'user', content: 'Can I afford a bike?' },
        ],
        temperature: 0.2,
      });

      expect(fake.requests).toHaveLength(1);
      const [recorded] = fake.requests;
      expect(recorded).toMatchObject({ method: 'POST', path: '/v1/chat/completions' });
      expect(recorded.headers.authorization).toBe('Bearer test-key');
      expect(recorded.headers['content-type']).toBe('application/json');
      expect(recorded.receivedAt).toBeGreaterThanOrEqual(before);
      expect(recorded.body).toMatchObject({ temperature: 0.2 });
      expect(recorded.chat?.messages[0]).toEqual({
        role: 'system',
        content: 'You are a finance assistant.\nBalance: €1,204.50',
      });
    });

    it('gives each of two concurrent requests the reply reserved for it by match', async () => {
      fake.enqueue(
        { match: matchers.systemIncludes('[feature:report]'), content: 'report reply', delayMs: 100 },
        { match: matchers.model('gpt-4o'), content: 'chat reply' },
      );
      const openai = client({ maxRetries: 0 });

      // Sent in the opposite order to the script, so FIFO alone would mix them up.
      const [chat, report] = await Promise.all([
        openai.chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'hello' }] }),
        openai.chat.completions.create({
          model: 'gpt-4o-mini',
          messages: [
            { role: 'system', content: 'Write the report. [feature:report]' },
            { role: 'user', content: 'go' },
          ],
        }),
      ]);

      expect(chat.choices[0].message.content).toBe('chat reply');
      expect(report.choices[0].message.content).toBe('report reply');

      // Neither entry is left over, and a request matching nothing goes to the default responder.
      const other = await openai.chat.completions.create({ ...user('anything else'), model: 'gpt-4o-mini' });
      expect(other.choices[0].message.content?.startsWith(DEMO_LABEL)).toBe(true);
    });

    it('keeps a matched entry queued while unmatched requests pass it by', async () => {
      fake.enqueue(
        { match: matchers.lastUserIncludes('budget'), content: 'budget reply' },
        { content: 'generic reply' },
      );
      const openai = client({ maxRetries: 0 });

      const first = await openai.chat.completions.create(user('weather?'));
      const second = await openai.chat.completions.create(user('my budget?'));

      expect(first.choices[0].message.content).toBe('generic reply');
      expect(second.choices[0].message.content).toBe('budget reply');
    });

    it('uses a custom responder when the script is empty, and reset() restores the default', async () => {
      fake.setResponder((req) => ({ content: `echo: ${String(req.messages.at(-1)?.content)}` }));
      const openai = client({ maxRetries: 0 });

      expect((await openai.chat.completions.create(user('ping'))).choices[0].message.content).toBe('echo: ping');

      fake.enqueue({ content: 'queued' });
      fake.reset();
      expect(fake.requests).toHaveLength(0);
      expect(fake.stats).toEqual({ completed: 0, aborted: 0, inFlight: 0 });
      expect(
        (await openai.chat.completions.create(user('ping'))).choices[0].message.content?.startsWith(DEMO_LABEL),
      ).toBe(true);
    });
  });

  describe('demo responder text', () => {
    it('labels the reply, acknowledges the question and echoes at most five figure lines', async () => {
      const system = [
        'You are a helpful finance assistant.',
        'Monthly figures:',
        '- Income: €3,200.00',
        '- Rent: 1,100 EUR',
        '- Groceries: $412.30',
        '- Savings rate: 12.5%',
        'Be concise.',
        '- Eating out: £95',
        '- Subscriptions: USD 48',
        '- Transport: 60 EUR',
      ].join('\n');

      const completion = await client({ maxRetries: 0 }).chat.completions.create({
        model: 'gpt-4o-mini',
        messages: [
          { role: 'system', content: system },
          { role: 'user', content: 'Where can I save?' },
        ],
      });

      const lines = completion.choices[0].message.content!.split('\n');
      expect(lines[0].startsWith(DEMO_LABEL)).toBe(true);
      expect(lines).toContain('You asked: "Where can I save?"');
      expect(lines.filter((l) => l.startsWith('- '))).toEqual([
        '- Income: €3,200.00',
        '- Rent: 1,100 EUR',
        '- Groceries: $412.30',
        '- Savings rate: 12.5%',
        '- Eating out: £95',
      ]);
    });
  });

  describe('other routes', () => {
    it('lists models through the SDK', async () => {
      const models = [];
      for await (const model of client({ maxRetries: 0 }).models.list()) models.push(model.id);

      expect(models).toEqual(expect.arrayContaining(['gpt-4o-mini', 'gpt-4o']));
      await expect(client({ maxRetries: 0 }).models.retrieve('gpt-4o')).resolves.toMatchObject({
        id: 'gpt-4o',
        object: 'model',
      });
      await expect(client({ maxRetries: 0 }).models.retrieve('nope')).rejects.toBeInstanceOf(OpenAI.NotFoundError);
    });

    it('rejects missing auth with 401, bad JSON with 400 and unknown routes with 404, all as OpenAI errors', async () => {
      const url = `${fake.baseURL}/chat/completions`;
      const auth = { authorization: 'Bearer k', 'content-type': 'application/json' };

      const noAuth = await fetch(url, { method: 'POST', body: JSON.stringify(user('hi')) });
      const badJson = await fetch(url, { method: 'POST', headers: auth, body: '{"model": ' });
      const noMessages = await fetch(url, { method: 'POST', headers: auth, body: '{"model":"gpt-4o"}' });
      const unknown = await fetch(`${fake.baseURL}/embeddings`, { method: 'POST', headers: auth, body: '{}' });

      expect(noAuth.status).toBe(401);
      expect(await noAuth.json()).toMatchObject({
        error: { type: 'invalid_request_error', message: expect.stringContaining('API key') },
      });
      expect(badJson.status).toBe(400);
      expect(await badJson.json()).toMatchObject({
        error: { message: expect.stringContaining('parse the JSON body') },
      });
      expect(noMessages.status).toBe(400);
      expect(await noMessages.json()).toMatchObject({ error: { param: 'messages' } });
      expect(unknown.status).toBe(404);
      expect(await unknown.json()).toMatchObject({ error: { message: 'Invalid URL (POST /v1/embeddings)' } });

      // Rejected requests are recorded too, with the raw text when the body was not JSON.
      expect(fake.requests.map((r) => r.body)).toEqual([user('hi'), '{"model": ', { model: 'gpt-4o' }, {}]);
      expect(fake.requests.every((r) => r.chat === undefined)).toBe(true);
    });

    it('maps a missing key to AuthenticationError in the SDK', async () => {
      const openai = new OpenAI({ apiKey: 'unused', baseURL: fake.baseURL, maxRetries: 0 });

      await expect(
        openai.chat.completions.create(user('hi'), { headers: { Authorization: null } }),
      ).rejects.toBeInstanceOf(OpenAI.AuthenticationError);
    });
  });
});

describe('lifecycle', () => {
  it('close() ends hanging requests instead of waiting for them', async () => {
    const fake = await startFakeOpenAI();
    fake.enqueue({ hang: true });
    const openai = new OpenAI({ apiKey: 'k', baseURL: fake.baseURL, maxRetries: 0 });

    const pending = openai.chat.completions.create(user('hi')).catch((e: unknown) => e);
    await waitUntil(() => fake.stats.inFlight === 1);
    await fake.close();

    expect(await pending).toBeInstanceOf(OpenAI.APIConnectionError);
  });

  it('accepts a responder at start-up and keeps it across reset()', async () => {
    const fake = await startFakeOpenAI({ responder: () => ({ json: { ok: true } }) });
    try {
      fake.reset();
      const openai = new OpenAI({ apiKey: 'k', baseURL: fake.baseURL, maxRetries: 0 });
      const completion = await openai.chat.completions.create(user('hi'));
      expect(completion.choices[0].message.content).toBe('{"ok":true}');
    } finally {
      await fake.close();
    }
  });

  it('the CLI entry prints one JSON line with a working baseURL', async () => {
    let printed = '';
    const out = { write: (text: string) => (printed += text) } as unknown as NodeJS.WritableStream;

    const fake = await startCli({ PORT: '0', FAKE_OPENAI_CHUNK_DELAY_MS: '0' }, out);
    try {
      expect(printed.endsWith('\n')).toBe(true);
      expect(printed.trim().split('\n')).toHaveLength(1);
      const { baseURL } = JSON.parse(printed) as { baseURL: string };
      expect(baseURL).toBe(fake.baseURL);

      const openai = new OpenAI({ apiKey: 'k', baseURL, maxRetries: 0 });
      const completion = await openai.chat.completions.create(user('hi'));
      expect(completion.choices[0].message.content?.startsWith(DEMO_LABEL)).toBe(true);
    } finally {
      await fake.close();
    }
  });
});

async function waitUntil(condition: () => boolean, timeoutMs = 2000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
