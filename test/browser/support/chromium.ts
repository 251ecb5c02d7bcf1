import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

/** Debian's Chromium: playwright-core downloads no browser, so CI installs this one (.ci/run). */
export const CHROMIUM_PATH = '/usr/bin/chromium';

const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/**
 * Debian's Chromium, headless. Playwright gives it a fresh temporary profile (user-data dir) and deletes it on
 * close; each `browser.newContext()` is then a separate cookie jar and storage, like another person's browser.
 */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: ARGS });
}

/**
 * `describe` for suites that drive a browser. Without Chromium the suite cannot say anything, so it must not
 * pass silently where it is supposed to run: under CI it fails, elsewhere it is skipped, both saying why.
 */
export function describeInBrowser(name: string, suite: () => void): void {
  if (existsSync(CHROMIUM_PATH)) return describe(name, suite);
  const why =
    `${CHROMIUM_PATH} is missing: install Debian's Chromium (apt-get install -y chromium), ` +
    'as .ci/run does, to run the browser suites';
  if (process.env.CI === 'true' || process.env.CI === '1') {
    describe(name, () => {
      it('needs Chromium', () => {
        throw new Error(why);
      });
    });
    return;
  }
  process.stderr.write(`Skipping browser suite "${name}": ${why}\n`);
  describe.skip(name, suite);
}
