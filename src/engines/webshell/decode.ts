import { inflateRawSync, inflateSync, gunzipSync } from 'node:zlib';

/**
 * Decoders that obfuscated web payloads chain together. Strings are "binary strings":
 * one char per byte (latin1), as PHP sees them. Every decoder is bounded by `maxOut`.
 */
export type DecoderName =
  | 'base64_decode'
  | 'gzinflate'
  | 'gzuncompress'
  | 'gzdecode'
  | 'str_rot13'
  | 'strrev'
  | 'hex2bin'
  | 'urldecode'
  | 'rawurldecode'
  | 'stripslashes'
  | 'convert_uudecode'
  | 'unescape'
  | 'atob';

export const DECODER_NAMES: ReadonlySet<string> = new Set<DecoderName>([
  'base64_decode', 'gzinflate', 'gzuncompress', 'gzdecode', 'str_rot13', 'strrev', 'hex2bin',
  'urldecode', 'rawurldecode', 'stripslashes', 'convert_uudecode', 'unescape', 'atob',
]);

export function isDecoderName(name: string): name is DecoderName {
  return DECODER_NAMES.has(name);
}

function inflate(fn: typeof inflateRawSync, input: string, maxOut: number): string | undefined {
  try {
    return fn(Buffer.from(input, 'latin1'), { maxOutputLength: maxOut }).toString('latin1');
  } catch {
    return undefined;
  }
}

function rot13(s: string): string {
  return s.replace(/[A-Za-z]/g, (ch) => {
    const base = ch <= 'Z' ? 65 : 97;
    return String.fromCharCode(((ch.charCodeAt(0) - base + 13) % 26) + base);
  });
}

function percentDecode(s: string, plusIsSpace: boolean): string {
  const t = plusIsSpace ? s.replace(/\+/g, ' ') : s;
  return t.replace(/%([0-9A-Fa-f]{2})|%u([0-9A-Fa-f]{4})/g, (_m, h: string | undefined, u: string | undefined) =>
    h !== undefined ? String.fromCharCode(parseInt(h, 16)) : String.fromCharCode(parseInt(u ?? '0', 16) & 0xff),
  );
}

function uudecode(s: string): string | undefined {
  const out: number[] = [];
  for (const line of s.split('\n')) {
    if (line.length === 0) continue;
    const len = (line.charCodeAt(0) - 32) & 63;
    if (len === 0) break;
    const bytes: number[] = [];
    for (let i = 1; i + 3 < line.length + 1 && bytes.length < len; i += 4) {
      const c = [0, 1, 2, 3].map((k) => ((line.charCodeAt(i + k) || 32) - 32) & 63);
      const [a = 0, b = 0, cc = 0, d = 0] = c;
      bytes.push(((a << 2) | (b >> 4)) & 255, ((b << 4) | (cc >> 2)) & 255, ((cc << 6) | d) & 255);
    }
    out.push(...bytes.slice(0, len));
  }
  return out.length > 0 ? Buffer.from(out).toString('latin1') : undefined;
}

/** Apply one decoder; undefined when the input is not valid for it or the output is too large. */
export function applyDecoder(name: DecoderName, input: string, maxOut: number): string | undefined {
  let out: string | undefined;
  switch (name) {
    case 'base64_decode':
    case 'atob':
      out = Buffer.from(input.replace(/[^A-Za-z0-9+/=_-]/g, ''), 'base64').toString('latin1');
      break;
    case 'gzinflate':
      out = inflate(inflateRawSync, input, maxOut);
      break;
    case 'gzuncompress':
      out = inflate(inflateSync, input, maxOut);
      break;
    case 'gzdecode':
      out = inflate(gunzipSync, input, maxOut);
      break;
    case 'str_rot13':
      out = rot13(input);
      break;
    case 'strrev':
      out = input.split('').reverse().join('');
      break;
    case 'hex2bin': {
      const hex = input.replace(/\s+/g, '');
      out = /^(?:[0-9A-Fa-f]{2})*$/.test(hex) ? Buffer.from(hex, 'hex').toString('latin1') : undefined;
      break;
    }
    case 'urldecode':
      out = percentDecode(input, true);
      break;
    case 'rawurldecode':
    case 'unescape':
      out = percentDecode(input, false);
      break;
    case 'stripslashes':
      out = input.replace(/\\(.)/gs, '$1');
      break;
    case 'convert_uudecode':
      out = uudecode(input);
      break;
  }
  if (out === undefined || out.length > maxOut) return undefined;
  return out;
}

/** Share of bytes that are printable ASCII or common whitespace. */
export function printableRatio(s: string): number {
  if (s.length === 0) return 0;
  let ok = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if ((c >= 32 && c < 127) || c === 9 || c === 10 || c === 13) ok++;
  }
  return ok / s.length;
}

/**
 * Try to unwrap an opaque blob (base64, possibly compressed, possibly rot13/reversed first):
 * returns the first readable result and the decoders used (outermost first), or undefined.
 */
export function unwrapBlob(blob: string, maxOut: number): { text: string; layers: DecoderName[] } | undefined {
  const pre: [DecoderName[], string][] = [
    [[], blob],
    [['str_rot13'], rot13(blob)],
    [['strrev'], blob.split('').reverse().join('')],
  ];
  for (const [preLayers, candidate] of pre) {
    if (!/^[A-Za-z0-9+/=\s]+$/.test(candidate)) continue;
    const b = applyDecoder('base64_decode', candidate, maxOut);
    if (b === undefined) continue;
    const tries: [DecoderName[], string | undefined][] = [
      [[], b],
      [['gzinflate'], inflate(inflateRawSync, b, maxOut)],
      [['gzuncompress'], inflate(inflateSync, b, maxOut)],
      [['gzdecode'], inflate(gunzipSync, b, maxOut)],
    ];
    for (const [post, text] of tries) {
      if (text !== undefined && text.length >= 8 && printableRatio(text) > 0.9) {
        // Outermost first: the last function applied in source order is the outermost call.
        return { text, layers: [...post, 'base64_decode', ...preLayers] };
      }
    }
  }
  return undefined;
}
