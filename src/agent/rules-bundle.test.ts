import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { checkRulesBundle, packRules, safeRulePath, writeRules } from './rules-bundle.js';
import { findRulesDir, findRulesRoot } from './rules-dir.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
const temp = () => {
  const d = mkdtempSync(join(tmpdir(), 'vigil-rules-'));
  dirs.push(d);
  return d;
};

describe('rules shipped beside an installed agent', () => {
  it('packs the repository rules, and an agent program beside the written copy finds them', () => {
    const root = findRulesRoot() as string;
    const b = packRules(root);
    expect(Object.keys(b.files)).toEqual(expect.arrayContaining(['baseline/vigil-debian-essentials.yml', 'mining/miner-iocs.txt', 'weakpass/common.txt']));
    const prefix = temp();
    expect(writeRules(join(prefix, 'rules'), checkRulesBundle(JSON.parse(JSON.stringify(b))))).toBe(Object.keys(b.files).length);
    expect(readFileSync(join(prefix, 'rules/mining/miner-iocs.txt'), 'utf8')).toBe(readFileSync(join(root, 'mining/miner-iocs.txt'), 'utf8'));
    // findRulesDir from the program's directory (`<prefix>/vigil-agent.mjs`) lands on the copy.
    expect(findRulesDir('baseline', prefix)).toBe(join(prefix, 'rules/baseline'));
  });

  it('replaces the old rules as a whole: files gone from the server are gone here too', () => {
    const dir = join(temp(), 'rules');
    writeRules(dir, { files: { 'baseline/a.yml': 'a', 'baseline/old.yml': 'old' } });
    writeRules(dir, { files: { 'baseline/a.yml': 'a2' } });
    expect(readFileSync(join(dir, 'baseline/a.yml'), 'utf8')).toBe('a2');
    expect(existsSync(join(dir, 'baseline/old.yml'))).toBe(false);
  });

  it('refuses hostile or malformed bundles with the reason, before writing anything', () => {
    const cases: Array<[unknown, RegExp]> = [
      [{ files: { '../../etc/cron.d/x': '* * * * * root sh' } }, /unsafe path/],
      [{ files: { '/etc/passwd': 'x' } }, /unsafe path/],
      [{ files: { 'baseline/.hidden': 'x' } }, /unsafe path/],
      [{ files: { 'a/b/c/d/e': 'x' } }, /unsafe path/],
      [{ files: { 'baseline/a.yml': 42 } }, /not text/],
      [{ files: {} }, /empty/],
      [{ files: ['x'] }, /not a rules bundle/],
      [null, /not a rules bundle/],
      [{ files: { 'weakpass/huge.txt': 'x'.repeat(9 * 1024 * 1024) } }, /bytes \(at most/],
    ];
    for (const [b, reason] of cases) expect(() => checkRulesBundle(b)).toThrow(reason);
    expect(safeRulePath('baseline/vigil-redis.yml')).toBe(true);
  });

  it('packing skips what is not a plain file with a safe name', () => {
    const root = temp();
    mkdirSync(join(root, 'baseline'));
    writeFileSync(join(root, 'baseline/ok.yml'), 'ok');
    writeFileSync(join(root, 'baseline/.secret'), 'no');
    expect(packRules(root)).toEqual({ files: { 'baseline/ok.yml': 'ok' } });
  });
});
