/**
 * A strict RFC 8259 JSON parser for policy documents. JSON.parse is not enough: it keeps the last
 * of two duplicate keys without a word, and it recurses without a depth limit. This parser
 * rejects duplicate keys (naming the object), stops at `maxDepth` nesting levels (so its own
 * recursion is bounded by that too), and refuses text longer than `maxLength` before reading it.
 */

export type JsonValue = null | boolean | number | string | JsonValue[] | JsonObject;
export interface JsonObject {
  [key: string]: JsonValue;
}

export type JsonPathSegment = string | number;

export interface StrictJsonOptions {
  maxLength: number;
  maxDepth: number;
}

export interface JsonFailure {
  code: 'TooLarge' | 'Syntax' | 'TooDeep' | 'DuplicateKey';
  message: string;
  /** Path of the object or array where it failed. */
  path: JsonPathSegment[];
  offset: number;
  line: number;
  column: number;
}

export type StrictJsonResult = { ok: true; value: JsonValue } | { ok: false; error: JsonFailure };

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** `Statement[2].Condition.IpAddress["acs:SourceIp"]`; the empty path is `(document)`. */
export function formatJsonPath(path: readonly JsonPathSegment[]): string {
  let out = '';
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else if (IDENTIFIER.test(seg)) out += out === '' ? seg : `.${seg}`;
    else out += `[${JSON.stringify(seg)}]`;
  }
  return out === '' ? '(document)' : out;
}

class Failure extends Error {
  constructor(
    readonly code: JsonFailure['code'],
    readonly detail: string,
    readonly offset: number,
    readonly path: JsonPathSegment[],
  ) {
    super(detail);
  }
}

const NUMBER = /-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?/y;

class Parser {
  pos = 0;
  readonly path: JsonPathSegment[] = [];

  constructor(
    readonly text: string,
    readonly maxDepth: number,
  ) {}

  fail(code: JsonFailure['code'], detail: string, offset = this.pos): never {
    throw new Failure(code, detail, offset, [...this.path]);
  }

  skipWs(): void {
    const t = this.text;
    while (this.pos < t.length) {
      const c = t.charCodeAt(this.pos);
      if (c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d) this.pos++;
      else break;
    }
  }

  describeHere(): string {
    if (this.pos >= this.text.length) return 'end of text';
    const ch = this.text.charAt(this.pos);
    return `character ${JSON.stringify(ch)}`;
  }

  value(depth: number): JsonValue {
    this.skipWs();
    const c = this.text.charCodeAt(this.pos);
    if (c === 0x7b /* { */) return this.object(depth + 1);
    if (c === 0x5b /* [ */) return this.array(depth + 1);
    if (c === 0x22 /* " */) return this.string();
    if (c === 0x2d /* - */ || (c >= 0x30 && c <= 0x39)) return this.number();
    if (this.text.startsWith('true', this.pos)) return this.literal(4, true);
    if (this.text.startsWith('false', this.pos)) return this.literal(5, false);
    if (this.text.startsWith('null', this.pos)) return this.literal(4, null);
    return this.fail('Syntax', `unexpected ${this.describeHere()}; expected a value`);
  }

  literal<T>(len: number, v: T): T {
    this.pos += len;
    return v;
  }

  enter(depth: number): void {
    if (depth > this.maxDepth) {
      this.fail('TooDeep', `nesting is deeper than ${this.maxDepth} levels`);
    }
  }

  object(depth: number): JsonObject {
    this.enter(depth);
    this.pos++; // {
    const out = Object.create(null) as JsonObject;
    const seen = new Set<string>();
    this.skipWs();
    if (this.text.charCodeAt(this.pos) === 0x7d) {
      this.pos++;
      return out;
    }
    for (;;) {
      this.skipWs();
      if (this.text.charCodeAt(this.pos) !== 0x22) {
        this.fail('Syntax', `unexpected ${this.describeHere()}; expected a key in double quotes`);
      }
      const keyOffset = this.pos;
      const key = this.string();
      if (seen.has(key)) {
        this.fail('DuplicateKey', `duplicate key ${JSON.stringify(key)}`, keyOffset);
      }
      seen.add(key);
      this.skipWs();
      if (this.text.charCodeAt(this.pos) !== 0x3a) {
        this.fail('Syntax', `unexpected ${this.describeHere()}; expected ":" after key`);
      }
      this.pos++;
      this.path.push(key);
      out[key] = this.value(depth);
      this.path.pop();
      this.skipWs();
      const c = this.text.charCodeAt(this.pos);
      if (c === 0x2c) {
        this.pos++;
        continue;
      }
      if (c === 0x7d) {
        this.pos++;
        return out;
      }
      this.fail('Syntax', `unexpected ${this.describeHere()}; expected "," or "}"`);
    }
  }

  array(depth: number): JsonValue[] {
    this.enter(depth);
    this.pos++; // [
    const out: JsonValue[] = [];
    this.skipWs();
    if (this.text.charCodeAt(this.pos) === 0x5d) {
      this.pos++;
      return out;
    }
    for (;;) {
      this.path.push(out.length);
      out.push(this.value(depth));
      this.path.pop();
      this.skipWs();
      const c = this.text.charCodeAt(this.pos);
      if (c === 0x2c) {
        this.pos++;
        continue;
      }
      if (c === 0x5d) {
        this.pos++;
        return out;
      }
      this.fail('Syntax', `unexpected ${this.describeHere()}; expected "," or "]"`);
    }
  }

  string(): string {
    const t = this.text;
    const start = this.pos;
    this.pos++; // opening quote
    let out = '';
    let chunk = this.pos;
    for (;;) {
      if (this.pos >= t.length) this.fail('Syntax', 'unterminated string', start);
      const c = t.charCodeAt(this.pos);
      if (c === 0x22) {
        out += t.slice(chunk, this.pos);
        this.pos++;
        return out;
      }
      if (c < 0x20) this.fail('Syntax', 'control character in string (escape it)');
      if (c === 0x5c) {
        out += t.slice(chunk, this.pos);
        out += this.escape();
        chunk = this.pos;
        continue;
      }
      this.pos++;
    }
  }

  escape(): string {
    const t = this.text;
    const e = t.charAt(this.pos + 1);
    this.pos += 2;
    switch (e) {
      case '"':
        return '"';
      case '\\':
        return '\\';
      case '/':
        return '/';
      case 'b':
        return '\b';
      case 'f':
        return '\f';
      case 'n':
        return '\n';
      case 'r':
        return '\r';
      case 't':
        return '\t';
      case 'u': {
        const hex = t.slice(this.pos, this.pos + 4);
        if (!/^[0-9a-fA-F]{4}$/.test(hex)) this.fail('Syntax', 'bad \\u escape', this.pos - 2);
        this.pos += 4;
        return String.fromCharCode(parseInt(hex, 16));
      }
      default:
        return this.fail('Syntax', `bad escape "\\${e}"`, this.pos - 2);
    }
  }

  number(): number {
    NUMBER.lastIndex = this.pos;
    const m = NUMBER.exec(this.text);
    if (!m) return this.fail('Syntax', 'malformed number');
    this.pos += m[0].length;
    return Number(m[0]);
  }
}

function lineColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  const end = Math.min(offset, text.length);
  for (let i = 0; i < end; i++) {
    if (text.charCodeAt(i) === 0x0a) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: end - lineStart + 1 };
}

export function parseStrictJson(text: string, options: StrictJsonOptions): StrictJsonResult {
  if (text.length > options.maxLength) {
    return {
      ok: false,
      error: {
        code: 'TooLarge',
        message: `document is ${text.length} characters; the limit is ${options.maxLength}`,
        path: [],
        offset: 0,
        line: 1,
        column: 1,
      },
    };
  }
  const p = new Parser(text, options.maxDepth);
  // An editor's byte-order mark is not JSON but is harmless; RFC 8259 §8.1 allows ignoring it.
  if (text.charCodeAt(0) === 0xfeff) p.pos = 1;
  try {
    const value = p.value(0);
    p.skipWs();
    if (p.pos < text.length) p.fail('Syntax', `unexpected ${p.describeHere()} after the end of the document`);
    return { ok: true, value };
  } catch (err) {
    if (!(err instanceof Failure)) throw err;
    const { line, column } = lineColumn(text, err.offset);
    return {
      ok: false,
      error: {
        code: err.code,
        message: `line ${line}, column ${column}: ${err.detail}`,
        path: err.path,
        offset: err.offset,
        line,
        column,
      },
    };
  }
}
