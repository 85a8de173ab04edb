import { applyDecoder, isDecoderName, type DecoderName } from './decode.js';
import { literalValue, type PhpLexResult } from './php-lex.js';

/** A string whose value is known without running the file, and the decoders it went through. */
export interface ConstValue {
  value: string;
  /** Decoders applied, outermost first. */
  decoders: DecoderName[];
  /** Number of pieces joined with `.` (or chr() calls): > 1 means the value was assembled. */
  pieces: number;
}

export interface EvalContext {
  lex: PhpLexResult;
  vars: ReadonlyMap<string, ConstValue>;
  maxOut: number;
}

/**
 * Evaluate a constant PHP string expression (literals, `.`, chr(), decoders, str_replace and
 * known variables) in `lex.code[from, to)`. Returns undefined for anything it cannot prove.
 */
export function evalConstExpr(ctx: EvalContext, from: number, to: number): ConstValue | undefined {
  const p = new ExprParser(ctx, from, to);
  const v = p.expr();
  p.ws();
  return v !== undefined && p.pos >= to ? v : undefined;
}

const IDENT = /[A-Za-z_\x80-\xff][\w\x80-\xff]*/y;
const NUMBER = /0[xX][0-9a-fA-F]+|0[0-7]*|[1-9][0-9]*/y;

class ExprParser {
  pos: number;
  private readonly code: string;
  /** Nesting guard: hostile input such as 100k `(` must not overflow the stack. */
  private depth = 0;
  constructor(
    private readonly ctx: EvalContext,
    from: number,
    private readonly to: number,
  ) {
    this.pos = from;
    this.code = ctx.lex.code;
  }

  ws(): void {
    while (this.pos < this.to && /[\s@]/.test(this.code[this.pos] ?? '')) this.pos++;
  }

  expr(): ConstValue | undefined {
    if (++this.depth > 64) return undefined;
    try {
      return this.concat();
    } finally {
      this.depth--;
    }
  }

  private concat(): ConstValue | undefined {
    let left = this.term();
    if (left === undefined) return undefined;
    for (;;) {
      this.ws();
      if (this.code[this.pos] !== '.' || this.pos >= this.to) return left;
      this.pos++;
      const right = this.term();
      if (right === undefined) return undefined;
      const value: string = left.value + right.value;
      if (value.length > this.ctx.maxOut) return undefined;
      left = { value, decoders: [...left.decoders, ...right.decoders], pieces: left.pieces + right.pieces };
    }
  }

  private term(): ConstValue | undefined {
    this.ws();
    if (this.pos >= this.to) return undefined;
    const lit = this.ctx.lex.literalAt.get(this.pos);
    if (lit) {
      if (lit.interpolates || lit.quote === '`' || lit.end > this.to) return undefined;
      this.pos = lit.end;
      return { value: literalValue(lit), decoders: [], pieces: 1 };
    }
    const c = this.code[this.pos];
    if (c === '(') {
      this.pos++;
      const inner = this.expr();
      this.ws();
      if (inner === undefined || this.code[this.pos] !== ')') return undefined;
      this.pos++;
      return inner;
    }
    if (c === '$') {
      IDENT.lastIndex = this.pos + 1;
      const m = IDENT.exec(this.code);
      if (!m) return undefined;
      this.pos = IDENT.lastIndex;
      return this.ctx.vars.get(m[0]);
    }
    IDENT.lastIndex = this.pos;
    const m = IDENT.exec(this.code);
    if (!m) return undefined;
    const name = m[0].toLowerCase();
    this.pos = IDENT.lastIndex;
    this.ws();
    if (this.code[this.pos] !== '(') return undefined;
    this.pos++;
    const args = this.args();
    if (args === undefined) return undefined;
    return this.call(name, args);
  }

  /** Parses comma-separated arguments up to the closing paren; numbers come back as strings. */
  private args(): (ConstValue | number)[] | undefined {
    const out: (ConstValue | number)[] = [];
    for (;;) {
      this.ws();
      if (this.code[this.pos] === ')') {
        this.pos++;
        return out;
      }
      NUMBER.lastIndex = this.pos;
      const num = NUMBER.exec(this.code);
      if (num && !this.ctx.lex.literalAt.has(this.pos)) {
        this.pos = NUMBER.lastIndex;
        out.push(parseInt(num[0], num[0].startsWith('0x') || num[0].startsWith('0X') ? 16 : num[0].startsWith('0') && num[0].length > 1 ? 8 : 10));
      } else {
        const v = this.expr();
        if (v === undefined) return undefined;
        out.push(v);
      }
      this.ws();
      if (this.code[this.pos] === ',') this.pos++;
      else if (this.code[this.pos] !== ')') return undefined;
    }
  }

  private call(name: string, args: (ConstValue | number)[]): ConstValue | undefined {
    const [a0, a1, a2] = args;
    if (name === 'chr' && typeof a0 === 'number') {
      return { value: String.fromCharCode(a0 & 0xff), decoders: [], pieces: 1 };
    }
    if (name === 'str_replace' && isStr(a0) && isStr(a1) && isStr(a2)) {
      if (a0.value.length === 0) return undefined;
      const value = a2.value.split(a0.value).join(a1.value);
      return { value, decoders: [...a2.decoders], pieces: a2.pieces + 1 };
    }
    if (name === 'pack' && isStr(a0) && isStr(a1) && /^H\*?$/.test(a0.value)) {
      return this.decode('hex2bin', a1);
    }
    if (isDecoderName(name) && isStr(a0)) return this.decode(name, a0);
    return undefined;
  }

  private decode(name: DecoderName, input: ConstValue): ConstValue | undefined {
    const value = applyDecoder(name, input.value, this.ctx.maxOut);
    if (value === undefined) return undefined;
    return { value, decoders: [name, ...input.decoders], pieces: input.pieces };
  }
}

function isStr(v: ConstValue | number | undefined): v is ConstValue {
  return typeof v === 'object';
}
