import { closeSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, symlinkSync, writeFileSync, ftruncateSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scanDirectoryForSecrets, scanDirectoryForWebshells, type FileWebshellFinding } from '../../src/host/files/index.js';
import { newWalkStats, walkFiles } from '../../src/host/files/walk.js';
import { sharedDataDir } from '../helpers/shared-data.js';
import { runYara, yaraAvailable } from '../../src/engines/webshell/yara.js';

const DATA = sharedDataDir();
const WEB = `${DATA}/webshell`;

interface Label { file: string; label: 'malicious' | 'benign'; source: string; lang: string }
interface PmfExpectation { file: string; literal: string; kind: 'rule' | 'string'; rule?: string; stringId?: string; offset?: number; data?: string }

const labels = JSON.parse(readFileSync(`${WEB}/labels.json`, 'utf8')) as Label[];
const alerting = (f: FileWebshellFinding): boolean => f.confidence === 'high' || f.confidence === 'medium';

describe('webshell corpus (walker + engine over shared/data/webshell)', () => {
  let byFile = new Map<string, FileWebshellFinding[]>();
  let stats: Awaited<ReturnType<typeof scanDirectoryForWebshells>>['stats'];

  beforeAll(async () => {
    // Malicious samples are only read as bytes; nothing in the corpus is executed or imported.
    const res = await scanDirectoryForWebshells(WEB);
    stats = res.stats;
    byFile = new Map();
    for (const f of res.findings) {
      const rel = f.path.slice(WEB.length + 1);
      byFile.set(rel, [...(byFile.get(rel) ?? []), f]);
    }
  }, 300_000);

  const flagged = (file: string): boolean => (byFile.get(file) ?? []).some(alerting);

  it('walks every labelled file', () => {
    expect(stats.files).toBeGreaterThanOrEqual(labels.length);
    expect(stats.skipped.unreadable).toBe(0);
  });

  it('detects malicious samples per source (high/medium confidence)', () => {
    const per = new Map<string, { n: number; hit: number; misses: string[] }>();
    for (const l of labels.filter((x) => x.label === 'malicious')) {
      const key = `${l.source}/${l.lang}`;
      const s = per.get(key) ?? { n: 0, hit: 0, misses: [] };
      s.n++;
      if (flagged(l.file)) s.hit++;
      else s.misses.push(l.file);
      per.set(key, s);
    }
    for (const [k, s] of per) console.log(`${k}: ${s.hit}/${s.n} detected; misses:\n  ${s.misses.join('\n  ')}`);
    const php = labels.filter((l) => l.label === 'malicious' && l.lang === 'php');
    const phpHit = php.filter((l) => flagged(l.file)).length;
    console.log(`malicious PHP overall: ${phpHit}/${php.length} = ${(phpHit / php.length).toFixed(3)}`);
    expect(phpHit / php.length).toBeGreaterThanOrEqual(0.93);
    expect(per.get('php-malware-finder/php')?.hit).toBeGreaterThanOrEqual(27);
    expect(per.get('php-webshells/php')?.hit).toBeGreaterThanOrEqual(110);
    expect(per.get('php-webshells/jsp')).toMatchObject({ n: 1, hit: 1 });
    expect(per.get('js-malicious-dataset/js')).toMatchObject({ n: 8, hit: 8 });
  });

  it('raises nothing at high/medium on stock WordPress and Tomcat examples', () => {
    const benign = labels.filter((l) => l.label === 'benign');
    const fps = benign.filter((l) => flagged(l.file));
    for (const l of fps) console.log(`FP ${l.file}: ${JSON.stringify(byFile.get(l.file)?.filter(alerting).map((f) => [f.ruleId, f.evidence[0]?.excerpt]))}`);
    const low = benign.filter((l) => (byFile.get(l.file) ?? []).length > 0).length;
    console.log(`benign: ${fps.length} high/medium, ${low} with low-confidence remarks, of ${benign.length}`);
    expect(benign.filter((l) => l.source === 'wordpress')).toHaveLength(972);
    expect(benign.filter((l) => l.source === 'tomcat10-examples')).toHaveLength(46);
    expect(fps).toEqual([]);
  });

  it('mirrors php-malware-finder expectations that map to this engine', () => {
    const pmf = JSON.parse(readFileSync(`${WEB}/pmf-expectations.json`, 'utf8')) as PmfExpectation[];
    // File level: every assertion's file must alert (awvjtnz.php, a multi-level cipher no decoder here
    // unwraps, alerts on its reversed create_function name next to strrev).
    const fileLevel = pmf.filter((e) => flagged(e.file));
    const missedFiles = [...new Set(pmf.filter((e) => !flagged(e.file)).map((e) => e.file))];
    console.log(`pmf assertions whose file alerts: ${fileLevel.length}/${pmf.length}; files missed: ${missedFiles.join(', ')}`);
    expect(missedFiles).toEqual([]);
    expect(fileLevel).toHaveLength(pmf.length);
    // Offset level, for string ids that mean "code/command execution" in our vocabulary:
    // an alerting evidence span must cover the byte offset php-malware-finder reports.
    const ours = new Set(['$eval', '$execution', '$execution3', '$var_as_func', '$pr', '$align', '$b374k', '$include']);
    const located = pmf.filter((e) => e.kind === 'string' && e.offset !== undefined && ours.has(e.stringId ?? ''));
    const covered = located.filter((e) => {
      const off = e.offset ?? 0;
      const len = e.data?.length ?? 1;
      return (byFile.get(e.file) ?? []).filter(alerting).some((f) => f.evidence.some((ev) => ev.offset < off + len && ev.offset + ev.length > off));
    });
    const uncovered = located.filter((e) => !covered.includes(e)).map((e) => `${e.file}@${e.offset}:${e.stringId}`);
    console.log(`pmf offsets covered: ${covered.length}/${located.length}; not covered: ${uncovered.join(', ')}`);
    expect(located).toHaveLength(20);
    // Not covered: cpanel.php alerts on its character-table obfuscation, not at the hidden eval;
    // obfuscated.php@23/@209 are a second `<?php assert(` and a `$b374k=$func(` whose hits sit elsewhere.
    expect(covered.length).toBeGreaterThanOrEqual(17);
  });
});

// User rule files through the yara adapter: php-malware-finder's own php.yar (its whitelist.yar is not
// shipped; an empty IsWhitelisted stands in) must reproduce the tool's expectation list.
describe.skipIf(!(await yaraAvailable()))('php-malware-finder rules through the yara adapter', () => {
  it('every rule and string expectation of pmf-expectations.json holds', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vigil-pmf-rules-'));
    try {
      writeFileSync(join(dir, 'whitelist.yar'), 'private rule IsWhitelisted { condition: false }\n');
      writeFileSync(join(dir, 'php.yar'), readFileSync(`${WEB}/rules/php-malware-finder/data/php.yar`));
      const res = await runYara({ rules: [join(dir, 'php.yar')], target: `${WEB}/malicious/php-malware-finder` });
      const pmf = JSON.parse(readFileSync(`${WEB}/pmf-expectations.json`, 'utf8')) as PmfExpectation[];
      // tests.sh greps yara's output for each literal; the same on the adapter's findings, printed back
      // in yara's own line format (`Rule path`, `0xOFFSET:$id: data`).
      const lines = (file: string) =>
        res.findings.filter((f) => f.path === `${WEB}/${file}`).flatMap((f) => [`${f.ruleId.slice(5)} ${f.path}`, ...f.evidence.map((ev) => `0x${ev.offset.toString(16)}:${ev.excerpt}`)]);
      const failed = pmf.filter((e) => !lines(e.file).some((l) => l.includes(e.literal)));
      // The adapter keeps at most 20 strings per rule match (bounded output): a string expectation past
      // that cap is not visible, but its file must still have the capped match.
      const capped = failed.filter((e) => e.kind === 'string' && res.findings.some((f) => f.path === `${WEB}/${e.file}` && f.evidence.length === 20));
      console.log(
        `pmf expectations through yara: ${pmf.length - failed.length}/${pmf.length} seen; past the 20-string cap: ${capped.map((e) => `${e.file.split('/').pop() ?? ''}:${e.literal}`).join(', ')}`,
      );
      expect(failed.filter((e) => !capped.includes(e))).toEqual([]);
      expect([...new Set(pmf.map((e) => e.file))].filter((f) => lines(f).length === 0)).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});

describe('secrets corpus (walker + engine over shared/data/secrets)', () => {
  it('finds credentials of each covered provider and never exposes secret text', async () => {
    const res = await scanDirectoryForSecrets(`${DATA}/secrets`);
    expect(res.stats.files).toBe(3);
    const providers = new Set(res.findings.map((f) => f.provider));
    for (const p of ['aws', 'azure', 'slack', 'stripe', 'private-key', 'jwt', 'generic']) expect(providers, p).toContain(p);
    for (const f of res.findings) {
      expect(f.secretHash).toMatch(/^[0-9a-f]{64}$/);
      expect(f.redacted === '****' || /^.{4}\*{4}.{2}$/s.test(f.redacted)).toBe(true);
    }
  }, 120_000);
});

describe('walker on a hostile tree', () => {
  const base = mkdtempSync(join(tmpdir(), 'vigil-walk-'));
  const root = join(base, 'root');
  const outside = join(base, 'outside');
  const newlineName = join(root, 'evil\nname.php');
  const rawName = Buffer.concat([Buffer.from(`${root}/bad-`), Buffer.from([0xff, 0xfe, 0x0a]), Buffer.from('.txt')]);

  beforeAll(() => {
    mkdirSync(join(root, 'sub', 'deeper'), { recursive: true });
    mkdirSync(outside);
    writeFileSync(join(outside, 'secret.php'), '<?php system($_GET["c"]); ?>');
    writeFileSync(newlineName, '<?php @eval($_POST["x"]); ?>');
    writeFileSync(rawName, `aws_secret = "${'Q'.repeat(3)}9fK2mX7pL4vR8tW1zB6nC3yH5jD0sG"\n`);
    writeFileSync(join(root, 'sub', 'deeper', 'ok.php'), '<?php echo "hello"; ?>');
    writeFileSync(join(root, 'sub', 'bin.dat'), Buffer.from([0x50, 0x4b, 0x00, 0x01, 0x02]));
    const fd = openSync(join(root, 'big.log'), 'w');
    ftruncateSync(fd, 50 * 1024 * 1024); // sparse: 50 MB without writing 50 MB
    closeSync(fd);
    symlinkSync(join(outside, 'secret.php'), join(root, 'link-out.php'));
    symlinkSync(outside, join(root, 'dir-out'));
    symlinkSync('/etc/passwd', join(root, 'passwd'));
    symlinkSync(join(root, 'sub', 'deeper', 'ok.php'), join(root, 'link-in.php'));
    symlinkSync(root, join(root, 'sub', 'loop'));
    symlinkSync(join(base, 'missing-target'), join(root, 'dangling'));
  });
  afterAll(() => rmSync(base, { recursive: true, force: true }));

  it('yields files one at a time with exact path bytes and counts every skip', async () => {
    const stats = newWalkStats();
    const seen: Buffer[] = [];
    for await (const f of walkFiles(root, { maxFileBytes: 10 * 1024 * 1024 }, stats)) seen.push(f.path);
    expect(seen.some((p) => p.equals(rawName))).toBe(true);
    expect(seen.some((p) => p.toString() === newlineName)).toBe(true);
    expect(seen.some((p) => p.toString().includes('outside'))).toBe(false);
    expect(stats).toEqual({
      // evil\nname.php, bad-\xff\xfe\n.txt, ok.php, link-in.php (→ ok.php). Outside: link-out.php,
      // dir-out, passwd. sub/loop points back at the root (inside, a directory: not re-walked).
      // big.log is 50 MB, bin.dat has a NUL byte, dangling cannot be resolved.
      files: 4,
      bytes: expect.any(Number),
      skipped: { tooLarge: 1, binary: 1, symlinkOutside: 3, unreadable: 1 },
    });
  });

  it('scans the tree with both engines without following links out of the root', async () => {
    const web = await scanDirectoryForWebshells(root);
    expect(web.findings.filter(alerting).map((f) => f.path)).toEqual([newlineName]);
    expect(web.stats.skipped).toEqual({ tooLarge: 1, binary: 1, symlinkOutside: 3, unreadable: 1 });
    const sec = await scanDirectoryForSecrets(root);
    expect(sec.findings.map((f) => [f.ruleId, f.path])).toEqual([['generic-secret', rawName.toString('utf8')]]);
  });
});
