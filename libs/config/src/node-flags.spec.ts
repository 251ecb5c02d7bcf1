import { readFileSync } from 'node:fs';
import path from 'node:path';
import { SERVICE_NODE_FLAGS } from './node-flags';

const ROOT = path.join(__dirname, '..', '..', '..');
const read = (file: string) => readFileSync(path.join(ROOT, file), 'utf8');

/** package.json and docker-compose.yml cannot import the constant: they must spell the same flags. */
describe('the node flags the api and the worker run with', () => {
  it('are given by both start scripts', () => {
    const scripts = (JSON.parse(read('package.json')) as { scripts: Record<string, string> }).scripts;
    for (const name of ['start:api', 'start:worker']) {
      expect(scripts[name]).toMatch(new RegExp(`^node ${SERVICE_NODE_FLAGS.join(' ')} dist/`));
    }
  });

  it('are given by both docker-compose services', () => {
    const commands = read('docker-compose.yml').match(/command: \[.*\]/g) ?? [];
    const services = commands.filter((c) => c.includes('dist/apps/'));
    expect(services).toHaveLength(2);
    const flags = SERVICE_NODE_FLAGS.map((f) => `'${f}'`).join(', ');
    for (const command of services) expect(command).toContain(`['node', ${flags}, 'dist/apps/`);
  });
});
