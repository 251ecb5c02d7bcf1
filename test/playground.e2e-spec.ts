import { Infra, RunningApi, startApi, startInfra, testConfig } from './support/stack';

describe('development playground at /playground', () => {
  let infra: Infra;
  let dev: RunningApi;
  let prod: RunningApi;

  beforeAll(async () => {
    infra = await startInfra();
    dev = await startApi(testConfig(infra, { NODE_ENV: 'development' }));
    prod = await startApi(testConfig(infra, { NODE_ENV: 'production' }));
  });

  afterAll(async () => {
    await dev?.close();
    await prod?.close();
    await infra?.stop();
  });

  it('serves the page, its script and its styles without a token, under a policy that allows no inline script', async () => {
    const page = await fetch(`${dev.url}/playground`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/text\/html/);
    const csp = page.headers.get('content-security-policy')!;
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
    const html = await page.text();
    // Every script is a file of our origin: the policy would block an inline one.
    expect(html.match(/<script\b[^>]*>/g)).toEqual([
      '<script src="/socket.io/socket.io.min.js" defer>',
      '<script src="/playground/playground.js" defer>',
    ]);
    expect(html).not.toMatch(/<script\b[^>]*>[^<]+<\/script>/);
    expect(html).not.toMatch(/\son[a-z]+=/i);

    const script = await fetch(`${dev.url}/playground/playground.js`);
    expect(script.status).toBe(200);
    expect(script.headers.get('content-type')).toMatch(/javascript/);
    expect(await script.text()).toContain("emitWithAck('message:send'");
    expect((await fetch(`${dev.url}/playground/playground.css`)).headers.get('content-type')).toMatch(/text\/css/);
    const client = await fetch(`${dev.url}/socket.io/socket.io.min.js`);
    expect(client.status).toBe(200);
  });

  it('serves no other file', async () => {
    for (const path of ['/playground/index.ts', '/playground/..%2Fplayground.controller.ts', '/playground/.env']) {
      const res = await fetch(`${dev.url}${path}`);
      expect(res.status).toBe(404);
      expect(((await res.json()) as { code: string }).code).toBe('not_found');
    }
  });

  it('does not exist in production', async () => {
    for (const path of ['/playground', '/playground/playground.js']) {
      const res = await fetch(`${prod.url}${path}`);
      expect(res.status).toBe(404);
    }
  });
});
