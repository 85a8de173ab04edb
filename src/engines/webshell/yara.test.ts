import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseYaraOutput, runYara, yaraAvailable } from './yara.js';

const dir = mkdtempSync(join(tmpdir(), 'vigil-yara-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const haveYara = await yaraAvailable();

describe('parseYaraOutput', () => {
  it('reads rule lines and string matches, keeping paths with spaces', () => {
    const f = parseYaraOutput('EvalPost /srv/www/a b.php\n0x6:$a: eval($_POST\n0x20:$b: system(\nOther /srv/x.php\n');
    expect(f).toHaveLength(2);
    expect(f[0]).toMatchObject({ ruleId: 'yara:EvalPost', path: '/srv/www/a b.php', confidence: 'high', level: 'serious' });
    expect(f[0]?.evidence.map((e) => e.offset)).toEqual([6, 0x20]);
    expect(f[1]?.evidence).toEqual([]);
  });
});

// yara is listed in scripts/debian-packages.txt; without it there is nothing real to run.
describe.skipIf(!haveYara)('runYara (Debian yara CLI)', () => {
  it('runs user rules over a directory and reports file, rule and offsets', async () => {
    const rule = join(dir, 'rules.yar');
    writeFileSync(rule, 'rule EvalPost { strings: $a = "eval($_POST" condition: $a }\nrule Never { strings: $n = "zz-not-present-zz" condition: $n }\n');
    const web = join(dir, 'www');
    writeFileSync(join(dir, 'placeholder'), '');
    rmSync(web, { recursive: true, force: true });
    await import('node:fs/promises').then((fs) => fs.mkdir(web));
    writeFileSync(join(web, '-dash name.php'), '<?php @eval($_POST["x"]); ?>');
    writeFileSync(join(web, 'clean.php'), '<?php echo 1; ?>');
    const res = await runYara({ rules: [rule], target: web, timeoutMs: 20_000 });
    expect(res.timedOut).toBe(false);
    expect(res.findings).toHaveLength(1);
    expect(res.findings[0]).toMatchObject({ ruleId: 'yara:EvalPost', path: join(web, '-dash name.php') });
    expect(res.findings[0]?.evidence[0]?.offset).toBe(7);
  });

  it('rejects a broken rule file with an error instead of empty results', async () => {
    const bad = join(dir, 'bad.yar');
    writeFileSync(bad, 'rule { nope');
    await expect(runYara({ rules: [bad], target: dir })).rejects.toThrow(/yara failed/);
  });
});
