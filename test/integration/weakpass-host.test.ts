/**
 * Weak passwords on the real host:
 * - libxcrypt through koffi reproduces hashes made here by `mkpasswd` and `openssl passwd`;
 * - a temporary shadow file with known weak and strong passwords in every scheme gives exactly
 *   the expected findings (and none carries a hash or a password);
 * - live Redis: the local 6379 has no password; a second redis-server on a spare port with
 *   requirepass 123456 is cracked, one with a random password is not;
 * - live PostgreSQL on 5432: trust authentication is detected from a login with a random password.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildDictionary, candidatesFor, keyboardWalks, parseWordList, type WeakDictionary } from '../../src/engines/weakpass/dictionary.js';
import { postgresFindings, redisFindings } from '../../src/engines/weakpass/service-auth.js';
import { checkShadow } from '../../src/engines/weakpass/shadow-check.js';
import { parseShadow } from '../../src/engines/weakpass/shadow.js';
import { probePostgresAuth } from '../../src/host/probe/pg-auth.js';
import { probeRedisAuth } from '../../src/host/probe/redis-auth.js';
import { createXcryptHasher } from '../../src/host/probe/xcrypt.js';

const RULES = join(import.meta.dirname, '../../rules/weakpass');
const commonText = readFileSync(join(RULES, 'common.txt'), 'utf8');
const phraseText = readFileSync(join(RULES, 'phrases.txt'), 'utf8');
const dict: WeakDictionary = buildDictionary({ commonList: commonText, phraseList: phraseText, years: [2023, 2024, 2025] });
const hasher = createXcryptHasher();

const mkpasswd = (method: string, pw: string): string => execFileSync('mkpasswd', ['-m', method, pw]).toString().trim();
const opensslPasswd = (flag: string, pw: string): string => execFileSync('openssl', ['passwd', flag, pw]).toString().trim();
const strong = (): string => randomBytes(15).toString('base64');

describe('libxcrypt hasher', () => {
  it('reproduces hashes generated here by mkpasswd and openssl passwd, and rejects wrong passwords', async () => {
    const pw = `Vec-${strong()}`;
    const vectors = [
      ...['yescrypt', 'sha-512', 'sha-256', 'md5', 'bcrypt'].map((m) => mkpasswd(m, pw)),
      ...['-6', '-5', '-1'].map((f) => opensslPasswd(f, pw)),
    ];
    expect(vectors.map((v) => v.slice(0, 3))).toEqual(['$y$', '$6$', '$5$', '$1$', '$2b', '$6$', '$5$', '$1$']);
    for (const v of vectors) {
      expect(await hasher.hash(pw, v)).toBe(v);
      expect(await hasher.verify(pw, v)).toBe(true);
      expect(await hasher.verify(`${pw}x`, v)).toBe(false);
    }
    expect(await hasher.hash(pw, '$9$bogus')).toBeNull();
  });

  it('measures hashes per second per scheme (reported, not asserted)', async () => {
    const rates: Record<string, string> = {};
    for (const [m, n] of [['yescrypt', 10], ['sha-512', 100], ['sha-256', 100], ['md5', 500], ['bcrypt', 100]] as const) {
      const stored = mkpasswd(m, 'rate-test');
      const t = performance.now();
      for (let i = 0; i < n; i += 1) await hasher.verify(`x${i}`, stored);
      rates[m] = (n / ((performance.now() - t) / 1000)).toFixed(1);
    }
    console.log(`hashes/s on this host: ${JSON.stringify(rates)}`);
    expect(Object.keys(rates)).toHaveLength(5);
  });
});

describe('shadow checker on a generated shadow file', () => {
  it('finds exactly the weak and empty accounts', { timeout: 180_000 }, async () => {
    const phrases = new Set(parseWordList(phraseText));
    const walks = new Set(keyboardWalks());
    const common = parseWordList(commonText);
    const commonWord = common.find((w, i) => i >= 30 && !phrases.has(w) && !walks.has(w) && /^[a-z]+$/.test(w)) as string;
    const commentLine = commonText.split('\n')[0] as string;
    expect(commentLine.startsWith('#!comment:')).toBe(true);

    const lines = [
      `alice:${mkpasswd('yescrypt', 'alice123')}:19000:0:99999:7:::`,
      `bob:${mkpasswd('sha-512', '5201314')}:19000:0:99999:7:::`,
      `carol:${mkpasswd('md5', '1qaz@WSX')}:19000:0:99999:7:::`,
      `dave:${mkpasswd('sha-256', commonWord)}:19000:0:99999:7:::`,
      `erin:${mkpasswd('bcrypt', 'iloveyou')}:19000:0:99999:7:::`,
      `frank:${mkpasswd('yescrypt', strong())}:19000:0:99999:7:::`,
      `grace:${mkpasswd('sha-512', strong())}:19000:0:99999:7:::`,
      'henry::19000:0:99999:7:::',
      `ivan:!${mkpasswd('sha-512', 'ivan')}:19000:0:99999:7:::`,
      'daemon:*:19000:0:99999:7:::',
      `julia:${opensslPasswd('-1', 'julia@123')}:19000:0:99999:7:::`,
      `lucas:${opensslPasswd('-6', 'Lucas2024')}:19000:0:99999:7:::`,
      `mike:${opensslPasswd('-5', 'qwerty')}:19000:0:99999:7:::`,
      `kate:${mkpasswd('sha-512', commentLine)}:19000:0:99999:7:::`,
    ];
    const dir = mkdtempSync(join(tmpdir(), 'vigil-weakpass-'));
    try {
      const shadowText = `${lines.join('\n')}\n`;
      const entries = parseShadow(shadowText);
      const res = await checkShadow(entries, {
        dictionary: dict,
        hasher,
        now: () => performance.now(),
        candidateCaps: { yescrypt: 60, bcrypt: 200, sha512crypt: 300, sha256crypt: 300, md5crypt: 5000 },
        maxMillisPerAccount: 60_000,
      });
      const got = res.findings.map((f) => [f.account, f.kind, f.candidateSource ?? '-']).sort();
      expect(got).toEqual(
        [
          ['alice', 'weak_password', 'username_variant'],
          ['bob', 'weak_password', 'phrase_list'],
          ['carol', 'weak_password', 'keyboard_walk'],
          ['dave', 'weak_password', 'common_list'],
          ['erin', 'weak_password', 'phrase_list'],
          ['henry', 'empty_password', '-'],
          ['julia', 'weak_password', 'username_variant'],
          ['lucas', 'weak_password', 'username_variant'],
          ['mike', 'weak_password', 'common_list'],
        ].sort(),
      );
      const status = Object.fromEntries(res.accounts.map((a) => [a.user, a.status]));
      expect(status).toMatchObject({ frank: 'not_found', grace: 'not_found', kate: 'not_found', ivan: 'locked', daemon: 'locked' });
      expect(res.accounts.find((a) => a.user === 'frank')?.stoppedByBudget).toBe(true);
      for (const f of res.findings) {
        expect(f.fix).toContain(`passwd ${f.account}`);
        if (f.kind === 'weak_password') expect(f.brokenRules).toContain('not_in_dictionary');
      }
      // Nothing secret leaves: no hash, no guessed password in the findings.
      const json = JSON.stringify(res);
      for (const e of entries) if (e.hash.length > 1) expect(json).not.toContain(e.hash);
      for (const pw of ['alice123', '5201314', '1qaz@WSX', commonWord, 'iloveyou', 'julia@123', 'Lucas2024', '"qwerty"']) {
        expect(json).not.toContain(pw);
      }
      console.log(`shadow check: ${res.accounts.map((a) => `${a.user}/${a.scheme}:${a.status}@${a.tried} ${a.elapsedMs.toFixed(0)}ms`).join(', ')}`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

async function waitForPort(port: number, ms: number): Promise<void> {
  const until = Date.now() + ms;
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const s = connect({ host: '127.0.0.1', port });
      s.once('connect', () => {
        s.destroy();
        resolve(true);
      });
      s.once('error', () => resolve(false));
    });
    if (ok) return;
    if (Date.now() > until) throw new Error(`port ${port} did not open`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('live Redis', () => {
  const servers: ChildProcess[] = [];
  const dirs: string[] = [];

  async function startRedis(password: string): Promise<number> {
    const port = await freePort();
    const dir = mkdtempSync(join(tmpdir(), 'vigil-redis-'));
    dirs.push(dir);
    const child = spawn(
      'redis-server',
      ['--port', String(port), '--bind', '127.0.0.1', '--requirepass', password, '--save', '', '--appendonly', 'no', '--dir', dir, '--daemonize', 'no'],
      { stdio: 'ignore' },
    );
    servers.push(child);
    await waitForPort(port, 10_000);
    return port;
  }

  afterAll(async () => {
    for (const c of servers) {
      if (c.exitCode === null) {
        const exited = new Promise((r) => c.once('exit', r));
        c.kill('SIGTERM');
        await exited;
      }
    }
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it('the local Redis on 6379 answers without a password: unauthorized access', async () => {
    const r = await probeRedisAuth({ host: '127.0.0.1', port: 6379, candidates: [] });
    expect(r.status).toBe('no_auth');
    const f = redisFindings(r, dict);
    expect(f).toHaveLength(1);
    expect(f[0]).toMatchObject({ kind: 'unauthorized_access', category: 'unauthorized_access', service: 'redis', target: '127.0.0.1:6379' });
    expect(f[0]?.fix).toContain('requirepass');
  });

  it('requirepass 123456 is found; a random password is not', async () => {
    const weakPort = await startRedis('123456');
    const strongPort = await startRedis(strong());
    const candidates = candidatesFor('redis', dict);
    const weak = await probeRedisAuth({ host: '127.0.0.1', port: weakPort, candidates, minIntervalMs: 1 });
    expect(weak.status).toBe('weak_password');
    const f = redisFindings(weak, dict);
    expect(f[0]).toMatchObject({ kind: 'weak_password', service: 'redis', account: 'default' });
    expect(f[0]?.brokenRules).toEqual(['min_length', 'char_classes', 'not_in_dictionary']);
    expect(JSON.stringify(f)).not.toContain('123456');

    const none = await probeRedisAuth({ host: '127.0.0.1', port: strongPort, candidates, minIntervalMs: 1, maxAttempts: 300 });
    expect(none).toMatchObject({ status: 'not_found', tried: 300 });
    expect(redisFindings(none, dict)).toEqual([]);
  });

  it('a closed port is an error, not a finding', async () => {
    const r = await probeRedisAuth({ host: '127.0.0.1', port: await freePort(), candidates: [] });
    expect(r.status).toBe('error');
  });
});

describe('live PostgreSQL', () => {
  let hba = '';
  beforeAll(() => {
    hba = readFileSync('/etc/postgresql/15/main/pg_hba.conf', 'utf8');
  });

  it('a login with a random password is judged against pg_hba.conf', async () => {
    const trustsLoopback = /^\s*host\s+\S+\s+\S+\s+127\.0\.0\.1\/32\s+trust\s*$/m.test(hba);
    const r = await probePostgresAuth({ host: '127.0.0.1', port: 5432, role: 'postgres', candidates: [] });
    expect(r.status).toBe(trustsLoopback ? 'any_password' : 'not_found');
    const f = postgresFindings(r);
    expect(f.length).toBe(trustsLoopback ? 1 : 0);
    if (trustsLoopback) {
      expect(f[0]).toMatchObject({ kind: 'trust_authentication', service: 'postgresql', account: 'postgres' });
      expect(f[0]?.fix).toContain('scram-sha-256');
    }
  });
});
