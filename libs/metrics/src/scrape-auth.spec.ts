import { scrapeAuthorized } from './scrape-auth';

describe('scrapeAuthorized', () => {
  const token = 'metrics-token-0123456789';

  it('accepts the bearer token, whatever the scheme case', () => {
    expect(scrapeAuthorized(`Bearer ${token}`, token)).toBe(true);
    expect(scrapeAuthorized(`bearer ${token}`, token)).toBe(true);
  });

  it('refuses anything else', () => {
    for (const header of [
      undefined,
      '',
      token,
      'Bearer',
      `Bearer ${token}x`,
      `Bearer ${token.slice(1)}`,
      `Bearer ${token} extra`,
      `Basic ${Buffer.from(`user:${token}`).toString('base64')}`,
    ]) {
      expect(scrapeAuthorized(header, token)).toBe(false);
    }
  });
});
