/** The real mongodb-memory-server download, against a loopback port where nothing listens (hermetic). */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { freePort } from '../ports';
import { mongodDriver } from './mongod-driver';

const ENV_KEYS = ['MONGOMS_DOWNLOAD_MIRROR', 'MONGOMS_VERSION', 'MONGOMS_MAX_RETRIES', 'MONGOMS_DOWNLOAD_DIR'] as const;
let saved: Record<string, string | undefined>;
let dir: string;

beforeEach(async () => {
  saved = Object.fromEntries(ENV_KEYS.map((k) => [k, process.env[k]]));
  dir = await mkdtemp(path.join(os.tmpdir(), 'mongod-dl-'));
});
afterEach(async () => {
  for (const k of ENV_KEYS) {
    if (saved[k] === undefined) delete process.env[k];
    else process.env[k] = saved[k];
  }
  await rm(dir, { recursive: true, force: true });
});

describe('mongodDriver.download', () => {
  it('makes exactly one attempt when the host refuses (the library would retry it), then restores the env', async () => {
    delete process.env.MONGOMS_MAX_RETRIES;
    delete process.env.MONGOMS_DOWNLOAD_DIR;
    process.env.MONGOMS_DOWNLOAD_MIRROR = `https://127.0.0.1:${await freePort()}`;
    process.env.MONGOMS_VERSION = '8.0.99'; // a version no cache on this machine holds
    const err = await mongodDriver.download(dir).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toMatchObject({ message: expect.stringMatching(/ECONNREFUSED 127\.0\.0\.1:\d+/) });
    expect((err as Error).cause).toMatchObject({ code: 'ECONNREFUSED', attempts: 1, maxRetries: 1 });
    expect(process.env.MONGOMS_MAX_RETRIES).toBeUndefined();
  });

  it('finds no binary in an empty download folder, without downloading', async () => {
    process.env.MONGOMS_VERSION = '8.0.99';
    await expect(mongodDriver.locate(dir)).resolves.toBeUndefined();
  });
});
