/**
 * Content-scanner throughput (issue 6):
 *  - webshell engine on the WordPress tree of ../shared/data/webshell (MB/s, files/s), next to the
 *    `yara` CLI with php-malware-finder's php.yar (shipped in the corpus as reference rules), and the
 *    recall / false positives of both on the labelled set;
 *  - secrets engine on the project's node_modules (MB/s per core = bytes / CPU seconds): walker +
 *    engine as `scanDirectoryForSecrets` runs it, then the engine alone on the same files in memory.
 * Usage: npm run bench:content [-- <secrets-dir>]; BENCH_ONLY=webshell|secrets runs one part.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { newWalkStats, scanDirectoryForSecrets, scanDirectoryForWebshells, walkFiles } from '../src/host/files/index.js';
import { scanSecretBytes } from '../src/engines/secrets/index.js';
import { runYara, yaraAvailable } from '../src/engines/webshell/yara.js';

const DATA = realpathSync(resolve(process.env.VIGIL_SHARED_DATA ?? '../shared/data'));
const WEB = join(DATA, 'webshell');
const WORDPRESS = join(WEB, 'benign/wordpress');
const SECRETS_DIR = resolve(process.argv[2] ?? 'node_modules');
const ROUNDS = 3;
const ONLY = process.env.BENCH_ONLY;

interface Label { file: string; label: 'malicious' | 'benign'; lang: string }
const labels = JSON.parse(readFileSync(join(WEB, 'labels.json'), 'utf8')) as Label[];

const mb = (b: number) => b / 1024 / 1024;
const fmt = (n: number, d = 1) => n.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d });

async function timed<T>(fn: () => Promise<T>): Promise<{ value: T; wallMs: number; cpuMs: number }> {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const value = await fn();
  const wallMs = performance.now() - t0;
  const c = process.cpuUsage(c0);
  return { value, wallMs, cpuMs: (c.user + c.system) / 1000 };
}

/** Recall per language and false positives, from a set of flagged relative paths. */
function quality(flagged: Set<string>): string {
  const out: string[] = [];
  for (const lang of ['php', 'jsp', 'js']) {
    const mal = labels.filter((l) => l.label === 'malicious' && l.lang === lang);
    out.push(`${lang} ${mal.filter((l) => flagged.has(l.file)).length}/${mal.length}`);
  }
  const benign = labels.filter((l) => l.label === 'benign');
  const fp = benign.filter((l) => flagged.has(l.file)).length;
  return `recall ${out.join(', ')}; FP ${fp}/${benign.length} (${fmt((100 * fp) / benign.length, 2)} %)`;
}

async function main(): Promise<void> {
  console.log(`node ${process.version}, ${cpus().length} × ${cpus()[0]?.model ?? '?'}, load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
  if (ONLY !== 'secrets') await webshells();
  if (ONLY !== 'webshell') await secrets();
  console.log(`load average after: ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
}

async function webshells(): Promise<void> {

  // Vigil webshell engine (built-in rules), best of ROUNDS on the WordPress tree.
  let best = { wallMs: Infinity, cpuMs: 0, files: 0, bytes: 0 };
  for (let i = 0; i < ROUNDS; i++) {
    const r = await timed(() => scanDirectoryForWebshells(WORDPRESS));
    if (r.wallMs < best.wallMs) best = { wallMs: r.wallMs, cpuMs: r.cpuMs, files: r.value.stats.files, bytes: r.value.stats.bytes };
  }
  console.log(
    `vigil webshell  WordPress: ${best.files} files, ${fmt(mb(best.bytes))} MB in ${fmt(best.wallMs, 0)} ms → ${fmt(mb(best.bytes) / (best.wallMs / 1000))} MB/s, ${fmt(best.files / (best.wallMs / 1000), 0)} files/s (CPU ${fmt(best.cpuMs, 0)} ms)`,
  );
  const ours = await scanDirectoryForWebshells(WEB);
  const oursFlagged = new Set(ours.findings.filter((f) => f.confidence !== 'low').map((f) => f.path.slice(WEB.length + 1)));
  console.log(`vigil webshell  labelled set (high/medium): ${quality(oursFlagged)}`);

  if (await yaraAvailable()) {
    const dir = mkdtempSync(join(tmpdir(), 'vigil-bench-yara-'));
    try {
      // php.yar includes whitelist.yar, which the corpus does not ship: an empty stand-in.
      writeFileSync(join(dir, 'whitelist.yar'), 'private rule IsWhitelisted { condition: false }\n');
      writeFileSync(join(dir, 'php.yar'), readFileSync(join(WEB, 'rules/php-malware-finder/data/php.yar')));
      const version = spawnSync('yara', ['--version'], { encoding: 'utf8' }).stdout.trim();
      let yBest = Infinity;
      for (let i = 0; i < ROUNDS; i++) {
        const t0 = performance.now();
        const r = spawnSync('yara', ['-r', '-w', join(dir, 'php.yar'), WORDPRESS], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
        if (r.status !== 0) throw new Error(`yara failed: ${r.stderr}`);
        yBest = Math.min(yBest, performance.now() - t0);
      }
      console.log(
        `yara ${version} + pmf php.yar  WordPress: ${best.files} files, ${fmt(mb(best.bytes))} MB in ${fmt(yBest, 0)} ms → ${fmt(mb(best.bytes) / (yBest / 1000))} MB/s, ${fmt(best.files / (yBest / 1000), 0)} files/s (process wall time, default threads)`,
      );
      const y = await runYara({ rules: [join(dir, 'php.yar')], target: WEB });
      console.log(`yara + pmf php.yar  labelled set (any rule): ${quality(new Set(y.findings.map((f) => f.path.slice(WEB.length + 1))))}`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  } else {
    console.log('yara: not installed (apt-get install -y yara); comparison skipped');
  }

}

/** Secrets: best of ROUNDS (by CPU time) for walker + engine, then the engine alone on files in memory. */
async function secrets(): Promise<void> {
  let best: Awaited<ReturnType<typeof timed<Awaited<ReturnType<typeof scanDirectoryForSecrets>>>>> | undefined;
  for (let i = 0; i < ROUNDS; i++) {
    const r = await timed(() => scanDirectoryForSecrets(SECRETS_DIR));
    if (!best || r.cpuMs < best.cpuMs) best = r;
  }
  if (!best) return;
  const st = best.value.stats;
  console.log(
    `vigil secrets  ${SECRETS_DIR}: ${st.files} files, ${fmt(mb(st.bytes))} MB (skipped: ${JSON.stringify(st.skipped)}), ${best.value.findings.length} findings in ${fmt(best.wallMs, 0)} ms wall / ${fmt(best.cpuMs, 0)} ms CPU → ${fmt(mb(st.bytes) / (best.wallMs / 1000))} MB/s wall, ${fmt(mb(st.bytes) / (best.cpuMs / 1000))} MB/s per core (CPU)`,
  );
  const files: Buffer[] = [];
  for await (const f of walkFiles(SECRETS_DIR, {}, newWalkStats())) files.push(f.bytes);
  let engine = { wallMs: Infinity, cpuMs: Infinity, findings: 0 };
  for (let i = 0; i < ROUNDS; i++) {
    const r = await timed(async () => files.reduce((n, b) => n + scanSecretBytes(b).length, 0));
    if (r.cpuMs < engine.cpuMs) engine = { wallMs: r.wallMs, cpuMs: r.cpuMs, findings: r.value };
  }
  console.log(
    `vigil secrets  engine only (files in memory): ${engine.findings} findings in ${fmt(engine.wallMs, 0)} ms wall / ${fmt(engine.cpuMs, 0)} ms CPU → ${fmt(mb(st.bytes) / (engine.cpuMs / 1000))} MB/s per core (CPU)`,
  );
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
