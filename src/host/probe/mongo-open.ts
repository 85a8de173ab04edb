/**
 * MongoDB unauthorized-access probe over the wire protocol (OP_MSG, opcode 2013) with node:net:
 * `hello` (is it a mongod/mongos at all), then `listDatabases` on `admin`. A server that lists its
 * databases to an unauthenticated client is open; `Unauthorized` (code 13) means authorization
 * is on. Replies are bounded (1 MiB) and timed out.
 */
import { connect, type Socket } from 'node:net';
import type { ServiceAuthResult } from '../../engines/weakpass/service-auth.js';
import { decodeBson, encodeBson, type BsonDoc } from './bson.js';

export const OP_MSG = 2013;
const MAX_REPLY = 1024 * 1024;

export interface MongoProbeOptions {
  host: string;
  port: number;
  timeoutMs?: number;
}

/** Frames one OP_MSG with a single kind-0 section. */
export function encodeOpMsg(requestId: number, doc: BsonDoc, responseTo = 0): Buffer {
  const body = encodeBson(doc);
  const header = Buffer.alloc(16 + 4 + 1);
  header.writeInt32LE(header.length + body.length, 0);
  header.writeInt32LE(requestId, 4);
  header.writeInt32LE(responseTo, 8);
  header.writeInt32LE(OP_MSG, 12);
  header.writeUInt32LE(0, 16); // flagBits
  header.writeUInt8(0, 20); // section kind 0: body
  return Buffer.concat([header, body]);
}

export interface OpMsg {
  requestId: number;
  responseTo: number;
  doc: BsonDoc;
}

/** Parses one complete OP_MSG from the front of `buf`; undefined when more bytes are needed. */
export function decodeOpMsg(buf: Buffer): { msg: OpMsg; length: number } | undefined {
  if (buf.length < 4) return undefined;
  const length = buf.readInt32LE(0);
  if (length < 21 || length > MAX_REPLY) throw new Error(`bad message length ${length}`);
  if (buf.length < length) return undefined;
  const opCode = buf.readInt32LE(12);
  if (opCode !== OP_MSG) throw new Error(`unexpected opCode ${opCode}`);
  const flags = buf.readUInt32LE(16);
  if (flags & 0x1) throw new Error('checksummed messages are not supported');
  let at = 20;
  let doc: BsonDoc | undefined;
  const frame = buf.subarray(0, length);
  while (at < length) {
    const kind = frame[at];
    at += 1;
    if (kind === 0) {
      const d = decodeBson(frame, at);
      doc = d.doc;
      at += d.length;
    } else if (kind === 1) {
      if (at + 4 > length) throw new Error('truncated document sequence');
      at += frame.readInt32LE(at);
    } else throw new Error(`unknown section kind ${String(kind)}`);
  }
  if (!doc) throw new Error('OP_MSG without a body section');
  return { msg: { requestId: buf.readInt32LE(4), responseTo: buf.readInt32LE(8), doc }, length };
}

class MongoConn {
  private buf = Buffer.alloc(0);
  private nextId = 1;
  private waiter: (() => void) | undefined;
  private failure: Error | undefined;
  constructor(private readonly sock: Socket, private readonly timeoutMs: number) {
    sock.on('data', (d: Buffer) => {
      this.buf = Buffer.concat([this.buf, d]);
      if (this.buf.length > MAX_REPLY) this.fail(new Error('reply too large'));
      this.waiter?.();
    });
    sock.on('error', (e) => this.fail(e));
    sock.on('close', () => this.fail(new Error('connection closed')));
  }
  private fail(e: Error): void {
    this.failure ??= e;
    this.waiter?.();
  }
  async command(doc: BsonDoc): Promise<BsonDoc> {
    const id = this.nextId++;
    this.sock.write(encodeOpMsg(id, doc));
    const deadline = Date.now() + this.timeoutMs;
    for (;;) {
      const r = decodeOpMsg(this.buf);
      if (r) {
        this.buf = this.buf.subarray(r.length);
        if (r.msg.responseTo === id) return r.msg.doc;
        continue;
      }
      if (this.failure) throw this.failure;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error('reply timed out');
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        this.waiter = () => {
          clearTimeout(t);
          this.waiter = undefined;
          resolve();
        };
      });
    }
  }
  close(): void {
    this.sock.destroy();
  }
}

function open(host: string, port: number, timeoutMs: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const sock = connect({ host, port });
    const t = setTimeout(() => {
      sock.destroy();
      reject(new Error(`connect to ${host}:${port} timed out`));
    }, timeoutMs);
    sock.once('connect', () => {
      clearTimeout(t);
      sock.removeAllListeners('error');
      resolve(sock);
    });
    sock.once('error', (e) => {
      clearTimeout(t);
      reject(e);
    });
  });
}

export async function probeMongoOpen(opts: MongoProbeOptions): Promise<ServiceAuthResult & { databases?: string[] }> {
  const target = `${opts.host}:${opts.port}`;
  const account = '(anonymous)';
  const timeoutMs = opts.timeoutMs ?? 3000;
  let conn: MongoConn;
  try {
    conn = new MongoConn(await open(opts.host, opts.port, timeoutMs), timeoutMs);
  } catch (e) {
    return { status: 'error', target, account, reason: (e as Error).message };
  }
  try {
    const hello = await conn.command({ hello: 1, $db: 'admin' });
    if (hello.ok !== 1) return { status: 'error', target, account, reason: `hello failed: ${String(hello.errmsg ?? 'not a MongoDB server')}` };
    const list = await conn.command({ listDatabases: 1, nameOnly: true, $db: 'admin' });
    if (list.ok === 1 && Array.isArray(list.databases)) {
      const databases = list.databases.map((d) => (typeof d === 'object' && d !== null && 'name' in d ? String((d as BsonDoc).name) : '?'));
      return { status: 'no_auth', target, account, databases };
    }
    if (list.code === 13 || list.codeName === 'Unauthorized') return { status: 'auth_required', target, account, detail: String(list.errmsg ?? 'Unauthorized') };
    return { status: 'error', target, account, reason: `listDatabases: ${String(list.errmsg ?? 'failed')}` };
  } catch (e) {
    return { status: 'error', target, account, reason: (e as Error).message };
  } finally {
    conn.close();
  }
}
