/**
 * MongoDB wire-protocol framing and (de)serialisation.
 *
 * Only what a modern driver talks to a standalone server is supported:
 * - OP_MSG (2013) requests and replies, with kind-0 body sections and kind-1
 *   document sequences (the driver ships insert/update/delete batches that way);
 * - OP_QUERY (2004) requests, which drivers still use for the very first
 *   `hello`/`isMaster` of a connection, answered with OP_REPLY (1).
 * OP_COMPRESSED is never negotiated (our hello advertises no compressors), so a
 * client sending it is violating the handshake and gets disconnected.
 */
import { BSON, type Document } from 'bson';

export const OP_REPLY = 1;
export const OP_QUERY = 2004;
export const OP_COMPRESSED = 2012;
export const OP_MSG = 2013;

/** OP_MSG flag bits (https://github.com/mongodb/specifications/blob/master/source/message/OP_MSG.md). */
export const MSG_CHECKSUM_PRESENT = 1 << 0;
export const MSG_MORE_TO_COME = 1 << 1;
// exhaustAllowed (1 << 16) is optional and ignored: we never stream replies.
/** Bits 0-15 are "required": a receiver must reject messages with unknown ones set. */
const MSG_REQUIRED_BITS_MASK = 0xffff;
const MSG_KNOWN_REQUIRED_BITS = MSG_CHECKSUM_PRESENT | MSG_MORE_TO_COME;

export const MAX_BSON_OBJECT_SIZE = 16 * 1024 * 1024;
export const MAX_MESSAGE_SIZE_BYTES = 48_000_000;
export const MAX_WRITE_BATCH_SIZE = 100_000;

const HEADER_SIZE = 16;

/**
 * Longs stay `Long` and regexes stay `BSONRegExp` so stored values round-trip
 * with their exact type and flags (JS RegExp cannot hold every BSON flag);
 * query-engine.ts converts them for mingo. Int32/double become JS numbers.
 */
const DESERIALIZE_OPTIONS = {
  promoteLongs: false,
  promoteValues: true,
  promoteBuffers: false,
  bsonRegExp: true,
} as const;

/** Thrown for malformed frames; the connection is closed, as mongod does. */
export class ProtocolError extends Error {}

export interface OpMsgRequest {
  kind: 'msg';
  requestId: number;
  flags: number;
  moreToCome: boolean;
  /** Body document with every kind-1 sequence merged in as an array field. */
  command: Document;
}

export interface OpQueryRequest {
  kind: 'query';
  requestId: number;
  fullCollectionName: string;
  /** The query document with any legacy `$query` wrapper removed. */
  command: Document;
}

export type WireRequest = OpMsgRequest | OpQueryRequest;

/** Accumulates socket chunks and cuts them into complete wire messages. */
export class MessageFramer {
  private chunks: Buffer[] = [];
  private buffered = 0;

  push(chunk: Buffer): Buffer[] {
    this.chunks.push(chunk);
    this.buffered += chunk.length;
    const messages: Buffer[] = [];
    while (this.buffered >= 4) {
      const head = this.peek(4);
      const length = head.readInt32LE(0);
      if (length < HEADER_SIZE || length > MAX_MESSAGE_SIZE_BYTES) {
        throw new ProtocolError(`invalid message length ${length}`);
      }
      if (this.buffered < length) break;
      messages.push(this.take(length));
    }
    return messages;
  }

  private peek(n: number): Buffer {
    if (this.chunks[0].length >= n) return this.chunks[0];
    this.chunks = [Buffer.concat(this.chunks)];
    return this.chunks[0];
  }

  private take(n: number): Buffer {
    const all = this.chunks.length === 1 ? this.chunks[0] : Buffer.concat(this.chunks);
    const message = all.subarray(0, n);
    const rest = all.subarray(n);
    this.chunks = rest.length ? [rest] : [];
    this.buffered = rest.length;
    return message;
  }
}

export function decodeMessage(message: Buffer): WireRequest {
  const requestId = message.readInt32LE(4);
  const opCode = message.readInt32LE(12);
  switch (opCode) {
    case OP_MSG:
      return decodeOpMsg(message, requestId);
    case OP_QUERY:
      return decodeOpQuery(message, requestId);
    case OP_COMPRESSED:
      throw new ProtocolError('OP_COMPRESSED received although no compressor was negotiated');
    default:
      throw new ProtocolError(`unsupported opCode ${opCode}`);
  }
}

function decodeOpMsg(message: Buffer, requestId: number): OpMsgRequest {
  const flags = message.readUInt32LE(HEADER_SIZE);
  const unknownRequired = flags & MSG_REQUIRED_BITS_MASK & ~MSG_KNOWN_REQUIRED_BITS;
  if (unknownRequired)
    throw new ProtocolError(`unsupported OP_MSG required flag bits 0x${unknownRequired.toString(16)}`);

  let end = message.length;
  if (flags & MSG_CHECKSUM_PRESENT) {
    end -= 4;
    const expected = message.readUInt32LE(end);
    const actual = crc32c(message.subarray(0, end));
    if (expected !== actual) throw new ProtocolError('OP_MSG checksum mismatch');
  }

  let body: Document | undefined;
  const sequences: Array<[string, Document[]]> = [];
  let offset = HEADER_SIZE + 4;
  while (offset < end) {
    const kind = message[offset++];
    if (kind === 0) {
      if (body) throw new ProtocolError('OP_MSG contains more than one body section');
      const size = readDocumentSize(message, offset, end);
      body = BSON.deserialize(message.subarray(offset, offset + size), DESERIALIZE_OPTIONS);
      offset += size;
    } else if (kind === 1) {
      const size = message.readInt32LE(offset);
      const sectionEnd = offset + size;
      if (size < 5 || sectionEnd > end) throw new ProtocolError('OP_MSG document sequence overruns the message');
      const nameEnd = message.indexOf(0, offset + 4);
      if (nameEnd < 0 || nameEnd >= sectionEnd)
        throw new ProtocolError('OP_MSG document sequence identifier is not terminated');
      const identifier = message.toString('utf8', offset + 4, nameEnd);
      const documents: Document[] = [];
      let pos = nameEnd + 1;
      while (pos < sectionEnd) {
        const docSize = readDocumentSize(message, pos, sectionEnd);
        documents.push(BSON.deserialize(message.subarray(pos, pos + docSize), DESERIALIZE_OPTIONS));
        pos += docSize;
      }
      sequences.push([identifier, documents]);
      offset = sectionEnd;
    } else {
      throw new ProtocolError(`unknown OP_MSG section kind ${kind}`);
    }
  }
  if (!body) throw new ProtocolError('OP_MSG has no body section');
  for (const [identifier, documents] of sequences) {
    // The spec forbids a field appearing both in the body and as a sequence.
    if (identifier in body)
      throw new ProtocolError(`duplicate field '${identifier}' in OP_MSG body and document sequence`);
    body[identifier] = documents;
  }
  return { kind: 'msg', requestId, flags, moreToCome: (flags & MSG_MORE_TO_COME) !== 0, command: body };
}

function decodeOpQuery(message: Buffer, requestId: number): OpQueryRequest {
  let offset = HEADER_SIZE + 4; // skip flags
  const nameEnd = message.indexOf(0, offset);
  if (nameEnd < 0) throw new ProtocolError('OP_QUERY collection name is not terminated');
  const fullCollectionName = message.toString('utf8', offset, nameEnd);
  offset = nameEnd + 1 + 8; // numberToSkip + numberToReturn are irrelevant for commands
  const size = readDocumentSize(message, offset, message.length);
  let command = BSON.deserialize(message.subarray(offset, offset + size), DESERIALIZE_OPTIONS);
  // Legacy drivers wrap commands as {$query: cmd, $readPreference: ...}.
  if (command.$query && typeof command.$query === 'object') command = command.$query as Document;
  return { kind: 'query', requestId, fullCollectionName, command };
}

function readDocumentSize(buf: Buffer, offset: number, end: number): number {
  if (offset + 5 > end) throw new ProtocolError('truncated BSON document');
  const size = buf.readInt32LE(offset);
  if (size < 5 || offset + size > end) throw new ProtocolError('BSON document overruns its section');
  return size;
}

let nextResponseId = 1;

function header(length: number, responseTo: number, opCode: number): Buffer {
  const buf = Buffer.alloc(HEADER_SIZE);
  buf.writeInt32LE(length, 0);
  buf.writeInt32LE(nextResponseId, 4);
  nextResponseId = (nextResponseId + 1) & 0x7fffffff || 1;
  buf.writeInt32LE(responseTo, 8);
  buf.writeInt32LE(opCode, 12);
  return buf;
}

/** Replies are serialised with undefined fields dropped, as a BSON encoder on the server would never emit them. */
export function serializeDocument(doc: Document): Buffer {
  const bytes = BSON.serialize(doc, { ignoreUndefined: true });
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

export function encodeOpMsgReply(responseTo: number, doc: Document): Buffer {
  const body = serializeDocument(doc);
  const flagsAndKind = Buffer.alloc(5); // flags 0, section kind 0
  const length = HEADER_SIZE + flagsAndKind.length + body.length;
  return Buffer.concat([header(length, responseTo, OP_MSG), flagsAndKind, body], length);
}

export function encodeOpReply(responseTo: number, doc: Document): Buffer {
  const body = serializeDocument(doc);
  const fields = Buffer.alloc(20);
  fields.writeInt32LE(0, 0); // responseFlags
  fields.writeBigInt64LE(0n, 4); // cursorID
  fields.writeInt32LE(0, 12); // startingFrom
  fields.writeInt32LE(1, 16); // numberReturned
  const length = HEADER_SIZE + fields.length + body.length;
  return Buffer.concat([header(length, responseTo, OP_REPLY), fields, body], length);
}

const CRC32C_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0x82f63b78 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

/** CRC-32C (Castagnoli), the checksum OP_MSG uses when checksumPresent is set. */
export function crc32c(data: Uint8Array): number {
  let crc = 0xffffffff;
  for (let i = 0; i < data.length; i++) crc = CRC32C_TABLE[(crc ^ data[i]) & 0xff] ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}
