import type { SecretRule } from './rules.js';
import type { ByteSource } from './source.js';

/** A byte range to run a rule's regex on; `cutFrom`/`cutTo` mark edges inside the text that a match may not touch. */
export interface Win {
  from: number;
  to: number;
  cutFrom: boolean;
  cutTo: boolean;
}

export interface Geometry {
  before: number;
  after: number;
  /** Byte tables (128 entries) of characters to extend over, backward / forward from the keyword. */
  back?: Uint8Array | undefined;
  fwd?: Uint8Array | undefined;
  /** Clip windows to the keyword's line (the pattern never crosses a newline). */
  line?: boolean;
}

export function charTable(chars: string | undefined): Uint8Array | undefined {
  if (chars === undefined) return undefined;
  const t = new Uint8Array(128);
  for (const ch of chars) t[ch.charCodeAt(0)] = 1;
  return t;
}

export function ruleGeometry(rule: SecretRule): Geometry {
  return { before: rule.before, after: rule.after, back: charTable(rule.grow?.back), fwd: charTable(rule.grow?.fwd) };
}

/** Longest run a window grows over (tokens are far shorter; this bounds work on odd data). */
const MAX_GROW = 64 * 1024;

/**
 * Merged windows around keyword offsets (ascending). Distances are in characters; in a non-ASCII
 * file a character takes up to three bytes, so they are tripled there.
 */
export function keywordWindows(src: ByteSource, hits: readonly number[], g: Geometry): Win[] {
  const scale = src.ascii ? 1 : 3;
  const before = g.before * scale;
  const after = g.after * scale;
  const out: Win[] = [];
  const len = src.length;
  const buf = src.buf;
  for (const at of hits) {
    let from: number;
    let to: number;
    if (g.line) {
      [from, to] = src.nearLine(at, before, after);
    } else {
      from = Math.max(0, at - before);
      to = Math.min(len, at + after);
    }
    if (g.back) {
      let p = at;
      const stop = Math.max(0, at - MAX_GROW);
      while (p > stop && g.back[buf[p - 1] ?? 0xff] === 1) p--;
      from = Math.max(0, Math.min(from, p - 2));
    }
    if (g.fwd) {
      let q = at;
      const stop = Math.min(len, at + MAX_GROW);
      while (q < stop && g.fwd[buf[q] ?? 0xff] === 1) q++;
      to = Math.min(len, Math.max(to, q + 2));
    }
    const last = out[out.length - 1];
    if (last && from <= last.to) {
      if (to > last.to) last.to = to;
    } else {
      out.push({ from, to, cutFrom: false, cutTo: false });
    }
  }
  for (const w of out) {
    // A line-clipped window that stops at a newline ends where the pattern would stop anyway.
    w.cutFrom = w.from > 0 && !(g.line === true && buf[w.from - 1] === 10);
    w.cutTo = w.to < len && !(g.line === true && buf[w.to] === 10);
  }
  return out;
}

export interface WindowMatch {
  m: RegExpExecArray;
  /** Byte offset where the window's text starts (after snapping to a character boundary). */
  from: number;
  text: string;
}

/**
 * Run a global regex (with the `d` flag when the caller needs group spans) over each window, and
 * yield matches that do not touch a cut edge: those could depend on text outside the window, and a
 * match that does not is also found, whole, in the window of the keyword it contains.
 */
export function* matchWindows(src: ByteSource, wins: readonly Win[], re: RegExp): Generator<WindowMatch> {
  for (const w of wins) {
    const { from, text } = src.window(w.from, w.to);
    re.lastIndex = 0;
    for (let m = re.exec(text); m !== null; m = re.exec(text)) {
      if ((w.cutFrom && m.index === 0) || (w.cutTo && m.index + m[0].length >= text.length)) {
        // Retry just past its start: a shorter or later match may still be whole.
        re.lastIndex = m.index + 1;
        continue;
      }
      if (m[0].length === 0) re.lastIndex++;
      yield { m, from, text };
    }
  }
}
