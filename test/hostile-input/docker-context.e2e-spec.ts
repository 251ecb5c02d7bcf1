import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');

interface Rule {
  negate: boolean;
  pattern: RegExp;
}

/** .dockerignore as Docker reads it: paths from the context root, `*` within a segment, `**` across them. */
function readDockerignore(): Rule[] {
  return readFileSync(join(ROOT, '.dockerignore'), 'utf8')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith('#'))
    .map((line) => {
      const negate = line.startsWith('!');
      const glob = (negate ? line.slice(1) : line).replace(/^\/+|\/+$/g, '');
      const source = glob
        .split('/')
        .map((segment) =>
          segment === '**'
            ? '(?:.*)'
            : segment
                .replace(/[.+^${}()|[\]\\]/g, '\\$&')
                .replace(/\*/g, '[^/]*')
                .replace(/\?/g, '[^/]'),
        )
        .join('/')
        .replace(/\(\?:\.\*\)\//g, '(?:.*/)?');
      return { negate, pattern: new RegExp(`^${source}$`) };
    });
}

/** Docker drops a path when the last rule matching it, or one of its parent directories, is not a negation. */
function leftOut(rules: Rule[], path: string): boolean {
  const parts = path.split('/');
  const selfAndParents = parts.map((_, i) => parts.slice(0, i + 1).join('/'));
  let out = false;
  for (const rule of rules) if (selfAndParents.some((p) => rule.pattern.test(p))) out = !rule.negate;
  return out;
}

/**
 * `docker compose build` sends the whole directory to the daemon and the image copies all of it (`COPY . .`):
 * without a .dockerignore a developer's `.env` with real secrets, the git history, local MongoDB data and
 * node_modules would all end up in the image.
 */
describe('hostile input: the Docker build context', () => {
  const rules = readDockerignore();

  it.each([
    '.env',
    '.env.production',
    'apps/api/.env',
    '.git/config',
    'node_modules/express/index.js',
    'tools/dev-stack/node_modules/x/index.js',
    'dist/apps/api/apps/api/src/main.js',
    '.data/mongo/WiredTiger',
    '.data/mongodb-binaries/mongod',
    'coverage/lcov.info',
    'tsconfig.tsbuildinfo',
  ])('keeps %s out of the image', (path) => {
    expect(leftOut(rules, path)).toBe(true);
  });

  it.each([
    'package.json',
    'package-lock.json',
    'tsconfig.json',
    'nest-cli.json',
    'apps/api/tsconfig.app.json',
    'apps/api/src/main.ts',
    'apps/api/src/playground/static/index.html',
    'apps/worker/src/main.ts',
    'libs/config/src/index.ts',
    '.env.example', // names the settings, holds no secret
  ])('still sends %s', (path) => {
    expect(leftOut(rules, path)).toBe(false);
  });
});
