import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/**
 * The detection rules an installed agent needs beside its single-file program (baseline policies,
 * weak-password lists, miner indicators): the server serves its `rules/` tree as one JSON document
 * (`GET /agent/rules.json`) and `vigil-agent install --prefix DIR` writes it to `DIR/rules`, where
 * the agent looks for rules next to its program. Bounded and path-checked on both sides.
 */
export interface RulesBundle {
  /** Relative path (`baseline/vigil-redis.yml`) → file text. */
  files: Record<string, string>;
}

const SEGMENT = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;
const MAX_FILES = 512;
const MAX_BYTES = 8 * 1024 * 1024;

/** A safe relative path: 1–4 plain segments, no `..`, no hidden files, no absolute paths. */
export function safeRulePath(p: string): boolean {
  const parts = p.split('/');
  return parts.length >= 1 && parts.length <= 4 && parts.every((s) => SEGMENT.test(s) && s !== '..' && s !== '.');
}

/** Reads a rules tree (the server's `rules/`) into a bundle; skips what is not a plain, small text file. */
export function packRules(root: string): RulesBundle {
  const files: Record<string, string> = {};
  let bytes = 0;
  const walk = (dir: string, rel: string) => {
    for (const name of readdirSync(dir).sort()) {
      const path = join(dir, name);
      const relPath = rel ? `${rel}/${name}` : name;
      if (!safeRulePath(relPath)) continue;
      const st = statSync(path);
      if (st.isDirectory()) walk(path, relPath);
      else if (st.isFile() && Object.keys(files).length < MAX_FILES && bytes + st.size <= MAX_BYTES) {
        files[relPath] = readFileSync(path, 'utf8');
        bytes += st.size;
      }
    }
  };
  walk(root, '');
  return { files };
}

/** Validates a bundle received from a server; throws with the reason. */
export function checkRulesBundle(b: unknown): RulesBundle {
  const files = (b as { files?: unknown } | null)?.files;
  if (typeof files !== 'object' || files === null || Array.isArray(files)) throw new Error('not a rules bundle (no "files" object)');
  const entries = Object.entries(files as Record<string, unknown>);
  if (entries.length === 0) throw new Error('the rules bundle is empty');
  if (entries.length > MAX_FILES) throw new Error(`the rules bundle has ${entries.length} files (at most ${MAX_FILES})`);
  let bytes = 0;
  for (const [p, text] of entries) {
    if (!safeRulePath(p)) throw new Error(`unsafe path in the rules bundle: ${JSON.stringify(p.slice(0, 80))}`);
    if (typeof text !== 'string') throw new Error(`${p}: not text`);
    bytes += Buffer.byteLength(text);
  }
  if (bytes > MAX_BYTES) throw new Error(`the rules bundle is ${bytes} bytes (at most ${MAX_BYTES})`);
  return { files: files as Record<string, string> };
}

/**
 * Writes a checked bundle to `dir` (e.g. `<prefix>/rules`), replacing what was there as a whole:
 * written beside it first, then swapped by rename, so a failure leaves the old rules in place.
 */
export function writeRules(dir: string, b: RulesBundle): number {
  const fresh = `${dir}.new-${process.pid}`;
  const old = `${dir}.old-${process.pid}`;
  rmSync(fresh, { recursive: true, force: true });
  try {
    for (const [p, text] of Object.entries(b.files)) {
      const target = join(fresh, p);
      mkdirSync(dirname(target), { recursive: true, mode: 0o755 });
      writeFileSync(target, text, { mode: 0o644 });
    }
    if (existsSync(dir)) renameSync(dir, old);
    renameSync(fresh, dir);
  } finally {
    rmSync(fresh, { recursive: true, force: true });
    rmSync(old, { recursive: true, force: true });
  }
  return Object.keys(b.files).length;
}
