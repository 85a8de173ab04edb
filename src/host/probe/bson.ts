/**
 * The small part of BSON (bsonspec.org) the MongoDB probe needs: encode command documents made of
 * strings, numbers, booleans and sub-documents; decode replies including the types a server's
 * `hello` carries (ObjectId, datetime, int64, timestamp, binary). Unknown types are an error, not
 * a guess. Bounded: documents over 16 MiB are refused.
 */
export type BsonValue = string | number | bigint | boolean | null | Date | Uint8Array | BsonDoc | BsonValue[] | { $oid: string } | { $timestamp: bigint };
export interface BsonDoc {
  [key: string]: BsonValue;
}

const MAX_DOC = 16 * 1024 * 1024;

function cstring(s: string): Buffer {
  if (s.includes('\0')) throw new Error('BSON key contains NUL');
  return Buffer.concat([Buffer.from(s, 'utf8'), Buffer.from([0])]);
}

function element(key: string, v: BsonValue): Buffer {
  const k = cstring(key);
  if (typeof v === 'string') {
    const b = Buffer.from(v, 'utf8');
    const len = Buffer.alloc(4);
    len.writeInt32LE(b.length + 1);
    return Buffer.concat([Buffer.from([0x02]), k, len, b, Buffer.from([0])]);
  }
  if (typeof v === 'number') {
    if (Number.isInteger(v) && v >= -0x80000000 && v <= 0x7fffffff) {
      const b = Buffer.alloc(4);
      b.writeInt32LE(v);
      return Buffer.concat([Buffer.from([0x10]), k, b]);
    }
    const b = Buffer.alloc(8);
    b.writeDoubleLE(v);
    return Buffer.concat([Buffer.from([0x01]), k, b]);
  }
  if (typeof v === 'bigint') {
    const b = Buffer.alloc(8);
    b.writeBigInt64LE(v);
    return Buffer.concat([Buffer.from([0x12]), k, b]);
  }
  if (typeof v === 'boolean') return Buffer.concat([Buffer.from([0x08]), k, Buffer.from([v ? 1 : 0])]);
  if (v === null) return Buffer.concat([Buffer.from([0x0a]), k]);
  if (Array.isArray(v)) {
    const doc: BsonDoc = {};
    v.forEach((x, i) => (doc[String(i)] = x));
    return Buffer.concat([Buffer.from([0x04]), k, encodeBson(doc)]);
  }
  if (v instanceof Date || v instanceof Uint8Array || '$oid' in v || '$timestamp' in v) throw new Error(`BSON encoding of ${key} is not supported`);
  return Buffer.concat([Buffer.from([0x03]), k, encodeBson(v as BsonDoc)]);
}

export function encodeBson(doc: BsonDoc): Buffer {
  const body = Buffer.concat(Object.entries(doc).map(([k, v]) => element(k, v)));
  const len = Buffer.alloc(4);
  len.writeInt32LE(body.length + 5);
  return Buffer.concat([len, body, Buffer.from([0])]);
}

function readCString(buf: Buffer, at: number, end: number): [string, number] {
  const z = buf.indexOf(0, at);
  if (z === -1 || z >= end) throw new Error('BSON: unterminated key');
  return [buf.toString('utf8', at, z), z + 1];
}

/** Decodes one document at `offset`; returns it with the number of bytes read. */
export function decodeBson(buf: Buffer, offset = 0): { doc: BsonDoc; length: number } {
  if (buf.length < offset + 5) throw new Error('BSON: truncated document');
  const length = buf.readInt32LE(offset);
  if (length < 5 || length > MAX_DOC || offset + length > buf.length) throw new Error(`BSON: bad document length ${length}`);
  const end = offset + length - 1;
  if (buf[end] !== 0) throw new Error('BSON: document not NUL-terminated');
  const doc: BsonDoc = {};
  let at = offset + 4;
  const need = (n: number) => {
    if (at + n > end) throw new Error('BSON: truncated value');
  };
  while (at < end) {
    const type = buf[at] as number;
    let key: string;
    [key, at] = readCString(buf, at + 1, end);
    switch (type) {
      case 0x01: need(8); doc[key] = buf.readDoubleLE(at); at += 8; break;
      case 0x02: {
        need(4);
        const n = buf.readInt32LE(at);
        if (n < 1) throw new Error('BSON: bad string length');
        need(4 + n);
        doc[key] = buf.toString('utf8', at + 4, at + 4 + n - 1);
        at += 4 + n;
        break;
      }
      case 0x03:
      case 0x04: {
        const sub = decodeBson(buf, at);
        doc[key] = type === 0x03 ? sub.doc : Object.values(sub.doc);
        at += sub.length;
        break;
      }
      case 0x05: {
        need(5);
        const n = buf.readInt32LE(at);
        if (n < 0) throw new Error('BSON: bad binary length');
        need(5 + n);
        doc[key] = new Uint8Array(buf.subarray(at + 5, at + 5 + n));
        at += 5 + n;
        break;
      }
      case 0x07: need(12); doc[key] = { $oid: buf.toString('hex', at, at + 12) }; at += 12; break;
      case 0x08: need(1); doc[key] = buf[at] === 1; at += 1; break;
      case 0x09: need(8); doc[key] = new Date(Number(buf.readBigInt64LE(at))); at += 8; break;
      case 0x0a: doc[key] = null; break;
      case 0x10: need(4); doc[key] = buf.readInt32LE(at); at += 4; break;
      case 0x11: need(8); doc[key] = { $timestamp: buf.readBigUInt64LE(at) }; at += 8; break;
      case 0x12: need(8); doc[key] = buf.readBigInt64LE(at); at += 8; break;
      default: throw new Error(`BSON: unsupported type 0x${type.toString(16)} for ${key}`);
    }
  }
  return { doc, length };
}
