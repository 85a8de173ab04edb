/**
 * Parser for the rpm header "blob" that rpm databases store per package (the header without its
 * 8-byte magic): int32 il (index entries), int32 dl (data bytes), il × 16-byte entries
 * {tag, type, offset, count}, then the data store. All integers are big-endian.
 * Only the tags the inventory needs are decoded; everything is bounds-checked because the bytes
 * come from a file on the host.
 */
export const RPMTAG = { name: 1000, version: 1001, release: 1002, epoch: 1003, installTime: 1008, arch: 1022, sourceRpm: 1044 } as const;

const TYPE_INT32 = 4;
const TYPE_STRING = 6;
const TYPE_STRING_ARRAY = 8;
const TYPE_I18NSTRING = 9;

const MAX_ENTRIES = 1 << 16;
const MAX_DATA = 256 * 1024 * 1024;

export interface RpmHeaderFields {
  name: string;
  version: string;
  release: string;
  epoch?: number;
  arch?: string;
  sourceRpm?: string;
  /** Seconds since the epoch. */
  installTime?: number;
}

export class RpmHeaderError extends Error {}

function cString(data: Buffer, offset: number): string {
  const end = data.indexOf(0, offset);
  if (end < 0) throw new RpmHeaderError('unterminated string in header data');
  return data.toString('utf8', offset, end);
}

/** Decodes NAME/VERSION/RELEASE/EPOCH/ARCH/SOURCERPM/INSTALLTIME of one header blob. */
export function parseRpmHeaderBlob(blob: Buffer): RpmHeaderFields {
  if (blob.length < 8) throw new RpmHeaderError('header blob shorter than 8 bytes');
  const il = blob.readUInt32BE(0);
  const dl = blob.readUInt32BE(4);
  if (il < 1 || il > MAX_ENTRIES || dl > MAX_DATA) throw new RpmHeaderError(`implausible header sizes (il=${il}, dl=${dl})`);
  const dataStart = 8 + il * 16;
  if (blob.length < dataStart + dl) throw new RpmHeaderError('header blob truncated');
  const data = blob.subarray(dataStart, dataStart + dl);
  const strings = new Map<number, string>();
  const ints = new Map<number, number>();
  const wanted = new Set<number>(Object.values(RPMTAG));
  for (let i = 0; i < il; i++) {
    const e = 8 + i * 16;
    const tag = blob.readUInt32BE(e);
    if (!wanted.has(tag)) continue;
    const type = blob.readUInt32BE(e + 4);
    const offset = blob.readUInt32BE(e + 8);
    const count = blob.readUInt32BE(e + 12);
    if (offset >= dl || count < 1) throw new RpmHeaderError(`tag ${tag}: offset ${offset} outside the data store`);
    if (type === TYPE_INT32) {
      if (offset % 4 !== 0 || offset + 4 > dl) throw new RpmHeaderError(`tag ${tag}: misaligned int32`);
      ints.set(tag, data.readUInt32BE(offset));
    } else if (type === TYPE_STRING || type === TYPE_I18NSTRING || type === TYPE_STRING_ARRAY) {
      // For arrays and i18n strings the first element is the value (the C locale).
      strings.set(tag, cString(data, offset));
    }
  }
  const name = strings.get(RPMTAG.name);
  const version = strings.get(RPMTAG.version);
  const release = strings.get(RPMTAG.release);
  if (!name || version === undefined || release === undefined) throw new RpmHeaderError('header lacks NAME, VERSION or RELEASE');
  const out: RpmHeaderFields = { name, version, release };
  const epoch = ints.get(RPMTAG.epoch);
  if (epoch !== undefined) out.epoch = epoch;
  const arch = strings.get(RPMTAG.arch);
  if (arch) out.arch = arch;
  const srpm = strings.get(RPMTAG.sourceRpm);
  if (srpm) out.sourceRpm = srpm;
  const t = ints.get(RPMTAG.installTime);
  if (t !== undefined) out.installTime = t;
  return out;
}
