import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { popClient } from '../helpers/sdk.js';
import {
  agentCommand,
  agentIdOf,
  buildAgentBundle,
  freePort,
  rmrf,
  spawnAgent,
  startConnectProxy,
  startTcpRelay,
  startVigil,
  tempDir,
  waitFor,
  type AgentProcess,
  type Vigil,
} from './agent-harness.js';

async function newCode(v: Vigil): Promise<string> {
  // The TLS server's certificate is self-signed: create its code in-process rather than through the SDK.
  if (v.url.startsWith('https:')) return (await v.server.services.installCodes.create(v.accountId, { vendorName: 'IDC' })).CaptchaCode;
  const r = await popClient(v.url, v.key.id, v.key.secret).request('AddInstallCode', { VendorName: 'IDC' }, { method: 'POST' });
  return r.CaptchaCode as string;
}

/** Debian's libfaketime (package faketime), wherever this architecture keeps it. */
function libfaketime(): string {
  const lib = execFileSync('dpkg', ['-L', 'libfaketime'], { encoding: 'utf8' })
    .split('\n')
    .find((l) => l.endsWith('/libfaketime.so.1'));
  if (!lib) throw new Error('libfaketime.so.1 not found: install the faketime package (scripts/debian-packages.txt)');
  return lib;
}

/** Lines of `vigil agent doctor` as {check: status}. */
function doctorLines(out: string): Record<string, string> {
  const m: Record<string, string> = {};
  for (const line of out.split('\n')) {
    const r = /^\[(OK|WARN|FAIL|SKIP)\s*\] (\S+)/.exec(line);
    if (r) m[r[2] as string] = r[1] as string;
  }
  return m;
}

describe('agent network paths: TCP relay, HTTPS_PROXY + TLS, doctor', () => {
  const dirs: string[] = [];
  const agents: AgentProcess[] = [];
  let plain: Vigil;
  let tls: Vigil;
  let certFile: string;

  beforeAll(async () => {
    buildAgentBundle();
    const plainHome = tempDir('vigil-srv-');
    const tlsHome = tempDir('vigil-srv-tls-');
    dirs.push(plainHome, tlsHome);
    plain = await startVigil(plainHome, await freePort());
    tls = await startVigil(tlsHome, await freePort(), { tls: { selfSigned: true } });
    certFile = join(tlsHome, 'tls', 'self-signed.crt');
  });

  afterAll(async () => {
    for (const a of agents) await a.stop('SIGKILL');
    await plain?.server.close();
    await tls?.server.close();
    rmrf(...dirs);
  });

  it('works through a plain TCP relay (the IDC proxy-cluster case), and doctor explains a dead relay', async ({ onTestFailed }) => {
    const relay = await startTcpRelay(Number(new URL(plain.url).port));
    const home = tempDir('vigil-agent-relay-');
    dirs.push(home);
    const agent = spawnAgent(['run', '--server', `http://127.0.0.1:${relay.port}`, '--code', await newCode(plain), '--home', home, '--max-backoff', '2000']);
    agents.push(agent);
    onTestFailed(() => console.log(agent.output()));
    const hub = plain.server.services.agents;
    await waitFor('agent connected through the relay', () => hub.connectedCount === 1 && agentIdOf(home));
    const agentId = agentIdOf(home);
    expect(await hub.sendTask(plain.accountId, agentId, 'echo', { via: 'relay' }, { timeoutMs: 10_000 })).toEqual({ via: 'relay' });
    expect(relay.connections()).toBeGreaterThanOrEqual(2); // enrollment + link both crossed the relay

    const ok = await agentCommand(['doctor', '--home', home]);
    expect(doctorLines(ok.out)).toMatchObject({ credentials: 'OK', proxy: 'OK', dns: 'OK', tcp: 'OK', tls: 'WARN', clock: 'OK', credential: 'OK' });
    expect(ok.code).toBe(0);

    await agent.stop();
    await relay.close();
    const dead = await agentCommand(['doctor', '--home', home]);
    expect(dead.code).toBe(1);
    expect(doctorLines(dead.out)).toMatchObject({ credentials: 'OK', dns: 'OK', tcp: 'FAIL', credential: 'SKIP' });
    expect(dead.out).toMatch(/ECONNREFUSED/);
    expect(dead.out).toMatch(/fix: nothing listens on 127\.0\.0\.1:\d+/);
  });

  it('works through HTTPS_PROXY (HTTP CONNECT) to a TLS server with a pinned self-signed certificate', async ({ onTestFailed }) => {
    const proxy = await startConnectProxy();
    const home = tempDir('vigil-agent-proxy-');
    dirs.push(home);
    const port = Number(new URL(tls.url).port);
    const server = `https://127.0.0.1:${port}`;
    const env = { HTTPS_PROXY: proxy.url };
    const agent = spawnAgent(['run', '--server', server, '--code', await newCode(tls), '--home', home, '--ca', certFile, '--max-backoff', '2000'], env);
    agents.push(agent);
    onTestFailed(() => console.log(agent.output()));
    const hub = tls.server.services.agents;
    await waitFor('agent connected through the proxy', () => hub.connectedCount === 1);
    const agentId = agentIdOf(home);
    expect(await hub.sendTask(tls.accountId, agentId, 'ping', {}, { timeoutMs: 10_000 })).toMatchObject({ pong: true });
    expect(proxy.tunnels.length).toBeGreaterThanOrEqual(2);
    expect(new Set(proxy.tunnels)).toEqual(new Set([`127.0.0.1:${port}`]));

    const ok = await agentCommand(['doctor', '--home', home], env);
    expect(doctorLines(ok.out)).toMatchObject({ credentials: 'OK', proxy: 'OK', dns: 'OK', tcp: 'OK', tls: 'OK', clock: 'OK', credential: 'OK' });
    expect(ok.out).toMatch(/via HTTP proxy 127\.0\.0\.1:\d+/);

    // Without the pinned certificate: TLS fails and doctor says how to fix it.
    const bare = tempDir('vigil-agent-bare-');
    dirs.push(bare);
    const noCa = await agentCommand(['doctor', '--home', bare, '--server', server]);
    expect(doctorLines(noCa.out)).toMatchObject({ credentials: 'FAIL', tcp: 'OK', tls: 'FAIL' });
    expect(noCa.out).toMatch(/self-signed certificate: copy it to this host and pass --ca/);

    // A proxy that is down.
    await agent.stop();
    await proxy.close();
    const noProxy = await agentCommand(['doctor', '--home', home], env);
    expect(doctorLines(noProxy.out)).toMatchObject({ proxy: 'FAIL', tcp: 'SKIP' });
  });

  it('refuses a tampered credential (server side) and doctor names it; wrong port is a TCP failure', async () => {
    const home = tempDir('vigil-agent-cred-');
    dirs.push(home);
    const first = await agentCommand(['install', '--server', plain.url, '--code', await newCode(plain), '--home', home, '--no-service']);
    expect(first.code).toBe(0);
    const good = await agentCommand(['doctor', '--home', home]);
    expect(doctorLines(good.out).credential).toBe('OK');

    const tampered = tempDir('vigil-agent-tampered-');
    dirs.push(tampered);
    const cred = JSON.parse(readFileSync(join(home, 'agent.json'), 'utf8')) as { agentSecret: string };
    cred.agentSecret = cred.agentSecret.slice(0, -2) + (cred.agentSecret.endsWith('AA') ? 'BB' : 'AA');
    mkdirSync(tampered, { recursive: true });
    writeFileSync(join(tampered, 'agent.json'), JSON.stringify(cred), { mode: 0o600 });
    const bad = await agentCommand(['doctor', '--home', tampered]);
    expect(bad.code).toBe(1);
    expect(doctorLines(bad.out)).toMatchObject({ tcp: 'OK', clock: 'OK', credential: 'FAIL' });
    expect(bad.out).toMatch(/AgentCredentialRejected/);
    expect(bad.out).toMatch(/fix: the credential was rejected: run the install command again/);

    // The running agent with that credential is refused at the upgrade and says so.
    const refused = spawnAgent(['run', '--home', tampered]);
    agents.push(refused);
    await waitFor('refusal logged', () => /server refused the link: AgentCredentialRejected/.test(refused.output()));
    expect(plain.server.services.agents.connectedCount).toBe(0);
    await refused.stop();

    const wrongPort = tempDir('vigil-agent-port-');
    dirs.push(wrongPort);
    copyFileSync(join(home, 'agent.json'), join(wrongPort, 'agent.json'));
    const port = await freePort();
    const wp = await agentCommand(['doctor', '--home', wrongPort, '--server', `http://127.0.0.1:${port}`]);
    expect(doctorLines(wp.out)).toMatchObject({ credentials: 'OK', tcp: 'FAIL' });
    expect(wp.out).toContain(`nothing listens on 127.0.0.1:${port}`);
  });

  it('doctor warns of a clock 10 minutes ahead and fails one 20 minutes ahead, which the server refuses as ClockSkew', async () => {
    const home = tempDir('vigil-agent-clock-');
    dirs.push(home);
    const first = await agentCommand(['install', '--server', plain.url, '--code', await newCode(plain), '--home', home, '--no-service']);
    expect(first.code).toBe(0);
    // libfaketime moves this process's clock only (Debian's faketime package, installed by the test setup).
    const ahead = (sec: number) => ({ LD_PRELOAD: libfaketime(), FAKETIME: `+${sec}s`, DONT_FAKE_MONOTONIC: '1' });
    const drift = await agentCommand(['doctor', '--home', home], ahead(600));
    expect(drift.code, drift.out).toBe(0);
    expect(doctorLines(drift.out)).toMatchObject({ dns: 'OK', tcp: 'OK', clock: 'WARN', credential: 'OK' });
    expect(drift.out).toMatch(/this host's clock is (59\d|60\d) s ahead of the server\n\s+fix: enable time sync/);

    const r = await agentCommand(['doctor', '--home', home], ahead(1200));
    expect(r.code, r.out).toBe(1);
    expect(doctorLines(r.out)).toMatchObject({ dns: 'OK', tcp: 'OK', clock: 'FAIL', credential: 'FAIL' });
    expect(r.out).toMatch(/this host's clock is (119\d|120\d) s ahead of the server \(a Vigil server refuses links more than 900 s off/);
    expect(r.out).toMatch(/credential +ClockSkew: The agent's clock differs from the server's by 1\d{3} s \(allowed 900 s\)/);
    const run = spawnAgent(['run', '--home', home], ahead(1200));
    agents.push(run);
    await waitFor('refusal logged', () => /server refused the link: ClockSkew/.test(run.output()));
    expect(plain.server.services.agents.isConnected(agentIdOf(home))).toBe(false);
    await run.stop();
  });

  it('doctor names a server name that does not resolve (resolver on loopback answering nothing, in a private mount namespace)', async () => {
    const home = tempDir('vigil-agent-dns-');
    dirs.push(home);
    const first = await agentCommand(['install', '--server', plain.url, '--code', await newCode(plain), '--home', home, '--no-service']);
    expect(first.code).toBe(0);
    const cred = JSON.parse(readFileSync(join(home, 'agent.json'), 'utf8')) as { server: string };
    cred.server = cred.server.replace('127.0.0.1', 'vigil-server.invalid');
    writeFileSync(join(home, 'agent.json'), JSON.stringify(cred), { mode: 0o600 });
    // This host's resolver, only for the doctor: a nameserver on loopback where nothing listens.
    const resolv = join(home, 'resolv.conf');
    writeFileSync(resolv, 'nameserver 127.0.0.9\noptions timeout:1 attempts:1\n');
    const prefix = ['unshare', '-m', '--propagation', 'private', 'sh', '-c', `mount --bind "${resolv}" /etc/resolv.conf && exec "$@"`, 'sh'];
    const r = await agentCommand(['doctor', '--home', home], {}, prefix);
    expect(r.code, r.out).toBe(1);
    expect(doctorLines(r.out)).toMatchObject({ credentials: 'OK', dns: 'FAIL', tcp: 'SKIP', credential: 'SKIP' });
    expect(r.out).toMatch(/vigil-server\.invalid: (EAI_AGAIN|ENOTFOUND|ESERVFAIL|ECONNREFUSED)/);
    expect(r.out).toMatch(/fix: check \/etc\/resolv\.conf/);
  });
});
