/**
 * An independent, strict RFC 5424 parser for tests: header by regex (§6), STRUCTURED-DATA by a
 * character scanner honouring the §6.3.3 escapes, MSG as UTF-8 with the BOM required.
 */
export interface ParsedSyslog {
  pri: number;
  facility: number;
  severity: number;
  timestamp: string;
  hostname: string;
  appName: string;
  procId: string;
  msgId: string;
  sd: Array<{ id: string; params: Record<string, string> }>;
  msg: string;
}

export const HEADER_RE =
  /^<(\d|[1-9]\d|1[0-8]\d|19[01])>1 (\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}(?:Z|[+-]\d{2}:\d{2})) ([!-~]{1,255}) ([!-~]{1,48}) ([!-~]{1,128}) ([!-~]{1,32}) /;
const SD_NAME = /^[!#-<>-\\^-~]{1,32}$/;
const BOM = Buffer.from([0xef, 0xbb, 0xbf]);

export function parseSyslog(frame: Buffer): ParsedSyslog {
  const text = frame.toString('latin1'); // header and SD names are ASCII; SD values are re-decoded below
  const h = HEADER_RE.exec(text);
  if (!h) throw new Error(`bad RFC 5424 header: ${text.slice(0, 120)}`);
  let i = h[0].length;
  const sd: ParsedSyslog['sd'] = [];
  if (text[i] === '-') i++;
  else {
    while (text[i] === '[') {
      i++;
      let id = '';
      while (i < text.length && text[i] !== ' ' && text[i] !== ']') id += text[i++];
      if (!SD_NAME.test(id)) throw new Error(`bad SD-ID "${id}"`);
      const params: Record<string, string> = {};
      while (text[i] === ' ') {
        i++;
        let name = '';
        while (i < text.length && text[i] !== '=') name += text[i++];
        if (!SD_NAME.test(name)) throw new Error(`bad PARAM-NAME "${name}"`);
        if (text.slice(i, i + 2) !== '="') throw new Error(`expected =" after ${name}`);
        i += 2;
        const bytes: number[] = [];
        for (;;) {
          const c = text[i];
          if (c === undefined) throw new Error('unterminated PARAM-VALUE');
          if (c === '\\' && (text[i + 1] === '"' || text[i + 1] === '\\' || text[i + 1] === ']')) {
            bytes.push(text.charCodeAt(i + 1));
            i += 2;
            continue;
          }
          if (c === '"') break;
          if (c === ']') throw new Error(`unescaped ] in PARAM-VALUE of ${name}`);
          bytes.push(text.charCodeAt(i));
          i++;
        }
        i++;
        params[name] = Buffer.from(bytes).toString('utf8');
      }
      if (text[i] !== ']') throw new Error(`expected ] after SD-ELEMENT ${id}, got ${JSON.stringify(text[i])}`);
      i++;
      sd.push({ id, params });
    }
  }
  let msg = '';
  if (i < text.length) {
    if (text[i] !== ' ') throw new Error('expected SP before MSG');
    const rest = frame.subarray(i + 1);
    if (!rest.subarray(0, 3).equals(BOM)) throw new Error('MSG is not BOM-prefixed UTF-8');
    msg = new TextDecoder('utf-8', { fatal: true }).decode(rest.subarray(3));
  }
  const pri = Number(h[1]);
  return { pri, facility: pri >> 3, severity: pri & 7, timestamp: h[2] as string, hostname: h[3] as string, appName: h[4] as string, procId: h[5] as string, msgId: h[6] as string, sd, msg };
}

/** Splits an RFC 6587 octet-counted stream (`LEN SP MSG`…); returns whole frames and the leftover. */
export function splitOctetCounted(buf: Buffer): { frames: Buffer[]; rest: Buffer } {
  const frames: Buffer[] = [];
  let off = 0;
  for (;;) {
    const sp = buf.indexOf(0x20, off);
    if (sp < 0) break;
    const lenText = buf.subarray(off, sp).toString('ascii');
    if (!/^[1-9]\d{0,8}$/.test(lenText)) throw new Error(`bad octet count "${lenText}"`);
    const len = Number(lenText);
    if (buf.length < sp + 1 + len) break;
    frames.push(buf.subarray(sp + 1, sp + 1 + len));
    off = sp + 1 + len;
  }
  return { frames, rest: buf.subarray(off) };
}
