/**
 * Wire-level behaviour the driver does not exercise on its own: hand-built
 * OP_QUERY/OP_MSG frames over a raw socket (document sequences, checksums,
 * moreToCome, fragmentation, malformed input).
 */
import { connect, type Socket } from 'node:net';
import { BSON, type Document } from 'bson';
import { startMongoWireServer, type MongoWireServer } from './index';
import { crc32c, MessageFramer, MSG_CHECKSUM_PRESENT, MSG_MORE_TO_COME, OP_MSG, OP_QUERY, OP_REPLY } from './protocol';

interface Reply {
  opCode: number;
  responseTo: number;
  doc: Document;
}

/** Minimal client: writes raw frames, parses OP_MSG/OP_REPLY replies, notices disconnects. */
class RawClient {
  private readonly framer = new MessageFramer();
  private readonly replies: Reply[] = [];
  private waiters: Array<() => void> = [];
  closed = false;

  private constructor(private readonly socket: Socket) {
    socket.on('data', (chunk: Buffer) => {
      for (const frame of this.framer.push(chunk)) this.replies.push(parseReply(frame));
      this.wake();
    });
    socket.on('close', () => {
      this.closed = true;
      this.wake();
    });
    socket.on('error', () => undefined);
  }

  static open(port: number): Promise<RawClient> {
    return new Promise((resolve, reject) => {
      const socket = connect(port, '127.0.0.1', () => resolve(new RawClient(socket)));
      socket.once('error', reject);
    });
  }

  write(...frames: Buffer[]): void {
    this.socket.write(Buffer.concat(frames));
  }

  /** Writes the bytes in small pieces to exercise reassembly. */
  async writeFragmented(frame: Buffer, pieceSize: number): Promise<void> {
    for (let i = 0; i < frame.length; i += pieceSize) {
      this.socket.write(frame.subarray(i, i + pieceSize));
      await new Promise((r) => setImmediate(r));
    }
  }

  async next(timeoutMs = 1_000): Promise<Reply> {
    const deadline = Date.now() + timeoutMs;
    while (this.replies.length === 0) {
      if (this.closed) throw new Error('connection closed');
      if (Date.now() > deadline) throw new Error('timed out waiting for a reply');
      await this.wait(deadline - Date.now());
    }
    return this.replies.shift()!;
  }

  async waitClosed(timeoutMs = 1_000): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (!this.closed && Date.now() < deadline) await this.wait(deadline - Date.now());
    return this.closed;
  }

  get pending(): number {
    return this.replies.length;
  }

  close(): void {
    this.socket.destroy();
  }

  private wait(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, Math.max(ms, 1));
      this.waiters.push(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
  }
}

function parseReply(frame: Buffer): Reply {
  const opCode = frame.readInt32LE(12);
  const responseTo = frame.readInt32LE(8);
  if (opCode === OP_MSG) {
    expect(frame.readUInt32LE(16)).toBe(0); // no flags in replies
    expect(frame[20]).toBe(0); // a single kind-0 section
    return { opCode, responseTo, doc: BSON.deserialize(frame.subarray(21)) };
  }
  expect(opCode).toBe(OP_REPLY);
  expect(frame.readInt32LE(32)).toBe(1); // numberReturned
  return { opCode, responseTo, doc: BSON.deserialize(frame.subarray(36)) };
}

function header(length: number, requestId: number, opCode: number): Buffer {
  const h = Buffer.alloc(16);
  h.writeInt32LE(length, 0);
  h.writeInt32LE(requestId, 4);
  h.writeInt32LE(0, 8);
  h.writeInt32LE(opCode, 12);
  return h;
}

function bson(doc: Document): Buffer {
  return Buffer.from(BSON.serialize(doc));
}

interface MsgOptions {
  flags?: number;
  sequences?: Record<string, Document[]>;
  /** Appends a CRC-32C (flipped when `badChecksum`). */
  checksum?: boolean;
  badChecksum?: boolean;
}

function opMsg(requestId: number, command: Document, opts: MsgOptions = {}): Buffer {
  const parts: Buffer[] = [Buffer.from([0]), bson(command)];
  for (const [identifier, docs] of Object.entries(opts.sequences ?? {})) {
    const payload = Buffer.concat([Buffer.from(`${identifier}\0`), ...docs.map(bson)]);
    const size = Buffer.alloc(4);
    size.writeInt32LE(4 + payload.length);
    parts.push(Buffer.from([1]), size, payload);
  }
  const withChecksum = opts.checksum || opts.badChecksum;
  const flags = Buffer.alloc(4);
  flags.writeUInt32LE((opts.flags ?? 0) | (withChecksum ? MSG_CHECKSUM_PRESENT : 0));
  const body = Buffer.concat([flags, ...parts]);
  const length = 16 + body.length + (withChecksum ? 4 : 0);
  const frame = Buffer.concat([header(length, requestId, OP_MSG), body]);
  if (!withChecksum) return frame;
  const crc = Buffer.alloc(4);
  crc.writeUInt32LE((crc32c(frame) ^ (opts.badChecksum ? 1 : 0)) >>> 0);
  return Buffer.concat([frame, crc]);
}

function opQuery(requestId: number, ns: string, query: Document): Buffer {
  const body = Buffer.concat([
    Buffer.alloc(4),
    Buffer.from(`${ns}\0`),
    Buffer.from([0, 0, 0, 0, 0xff, 0xff, 0xff, 0xff]),
    bson(query),
  ]);
  return Buffer.concat([header(16 + body.length, requestId, OP_QUERY), body]);
}

let server: MongoWireServer;
let raw: RawClient;

beforeAll(async () => {
  server = await startMongoWireServer();
});
afterAll(async () => {
  await server.close();
});
beforeEach(async () => {
  raw = await RawClient.open(server.port);
});
afterEach(() => {
  raw.close();
});

describe('OP_QUERY', () => {
  it('answers the legacy handshake on admin.$cmd with OP_REPLY', async () => {
    raw.write(opQuery(7, 'admin.$cmd', { isMaster: 1, helloOk: true, client: { driver: { name: 'raw' } } }));
    const reply = await raw.next();
    expect(reply.opCode).toBe(OP_REPLY);
    expect(reply.responseTo).toBe(7);
    expect(reply.doc).toMatchObject({ ismaster: true, helloOk: true, maxWireVersion: 21, minWireVersion: 0, ok: 1 });
  });

  it('unwraps $query and answers hello', async () => {
    raw.write(opQuery(8, 'admin.$cmd', { $query: { hello: 1 }, $readPreference: { mode: 'primary' } }));
    expect((await raw.next()).doc).toMatchObject({ isWritablePrimary: true, ok: 1 });
  });

  it('refuses anything but the handshake, like mongod >= 5.1', async () => {
    raw.write(opQuery(9, 'test.$cmd', { find: 'x' }), opQuery(10, 'test.things', { a: 1 }));
    for (const id of [9, 10]) {
      const reply = await raw.next();
      expect(reply.responseTo).toBe(id);
      expect(reply.doc).toMatchObject({ ok: 0, code: 352, codeName: 'UnsupportedOpQueryCommand' });
    }
  });
});

describe('OP_MSG', () => {
  it('merges kind-1 document sequences into insert/update/delete', async () => {
    raw.write(
      opMsg(
        1,
        { insert: 'seq', $db: 'proto', ordered: true },
        {
          sequences: {
            documents: [
              { _id: 1, v: 'a' },
              { _id: 2, v: 'b' },
              { _id: 3, v: 'c' },
            ],
          },
        },
      ),
    );
    expect((await raw.next()).doc).toEqual({ n: 3, ok: 1 });

    raw.write(
      opMsg(
        2,
        { update: 'seq', $db: 'proto' },
        {
          sequences: {
            updates: [
              { q: { _id: 1 }, u: { $set: { v: 'A' } } },
              { q: { _id: 9 }, u: { $set: { v: 'Z' } }, upsert: true },
            ],
          },
        },
      ),
    );
    expect((await raw.next()).doc).toEqual({ n: 2, nModified: 1, upserted: [{ index: 1, _id: 9 }], ok: 1 });

    raw.write(opMsg(3, { delete: 'seq', $db: 'proto' }, { sequences: { deletes: [{ q: { _id: 2 }, limit: 1 }] } }));
    expect((await raw.next()).doc).toEqual({ n: 1, ok: 1 });

    raw.write(opMsg(4, { find: 'seq', $db: 'proto', sort: { _id: 1 } }));
    const found = await raw.next();
    expect(found.responseTo).toBe(4);
    expect(found.doc.cursor.firstBatch).toEqual([
      { _id: 1, v: 'A' },
      { _id: 3, v: 'c' },
      { _id: 9, v: 'Z' },
    ]);
  });

  it('verifies checksums when checksumPresent is set', async () => {
    raw.write(opMsg(11, { ping: 1, $db: 'admin' }, { checksum: true }));
    const ok = await raw.next();
    expect(ok.responseTo).toBe(11);
    expect(ok.doc).toEqual({ ok: 1 });

    raw.write(opMsg(12, { ping: 1, $db: 'admin' }, { badChecksum: true }));
    expect(await raw.waitClosed()).toBe(true);
    expect(raw.pending).toBe(0);
  });

  it('sends no reply for moreToCome and keeps replies in request order', async () => {
    raw.write(
      opMsg(
        21,
        { insert: 'quiet', $db: 'proto', documents: [{ _id: 'silent' }], writeConcern: { w: 0 } },
        { flags: MSG_MORE_TO_COME },
      ),
      opMsg(22, { ping: 1, $db: 'admin' }),
      opMsg(23, { count: 'quiet', $db: 'proto' }),
    );
    const ping = await raw.next();
    expect(ping.responseTo).toBe(22);
    const count = await raw.next();
    expect(count.responseTo).toBe(23);
    expect(count.doc).toEqual({ n: 1, ok: 1 });
  });

  it('reassembles messages split across TCP segments', async () => {
    await raw.writeFragmented(
      opMsg(31, { insert: 'frag', $db: 'proto', documents: [{ _id: 1, text: 'x'.repeat(5_000) }] }),
      7,
    );
    expect((await raw.next()).doc).toEqual({ n: 1, ok: 1 });
  });

  it('answers a missing $db with an error instead of guessing', async () => {
    raw.write(opMsg(41, { ping: 1 }));
    expect((await raw.next()).doc).toMatchObject({ ok: 0, code: 40571 });
  });
});

describe('malformed input', () => {
  it.each([
    ['a length below the header size', header(5, 1, OP_MSG)],
    [
      'a field both in the body and in a document sequence',
      opMsg(2, { insert: 'x', $db: 'p', documents: [] }, { sequences: { documents: [{ a: 1 }] } }),
    ],
    ['an unknown required flag bit', opMsg(3, { ping: 1, $db: 'admin' }, { flags: 1 << 3 })],
    ['OP_COMPRESSED without negotiated compression', Buffer.concat([header(25, 4, 2012), Buffer.alloc(9)])],
    ['an unknown opcode', header(16, 5, 2010)],
  ])('drops the connection on %s, and keeps serving others', async (_label, frame) => {
    raw.write(frame);
    expect(await raw.waitClosed()).toBe(true);
    const other = await RawClient.open(server.port);
    try {
      other.write(opMsg(99, { ping: 1, $db: 'admin' }));
      expect((await other.next()).doc).toEqual({ ok: 1 });
    } finally {
      other.close();
    }
  });
});

describe('crc32c', () => {
  it('matches the standard check value', () => {
    expect(crc32c(Buffer.from('123456789'))).toBe(0xe3069283);
  });
});
