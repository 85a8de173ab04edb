import { execFileSync, spawn } from 'node:child_process';
import { createHmac, timingSafeEqual } from 'node:crypto';
import { createSocket } from 'node:dgram';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer as createHttpServer, type IncomingHttpHeaders } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { createServer as createNetServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer as createTlsServer } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { popClient } from '../helpers/sdk.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { parseSyslog, splitOctetCounted, type ParsedSyslog } from '../helpers/syslog-parse.js';

const NASTY_KEY = 'LTAI"]\\evil';

async function waitFor<T>(what: string, fn: () => T | undefined | false, timeoutMs = 20_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

function listen(server: Server, port = 0): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve((server.address() as AddressInfo).port));
  });
}

/** A stream syslog collector (TCP or TLS) that splits RFC 6587 octet-counted frames. */
function streamCollector(server: Server, tls = false): { frames: ParsedSyslog[]; sockets: Set<Socket> } {
  const frames: ParsedSyslog[] = [];
  const sockets = new Set<Socket>();
  server.on(tls ? 'secureConnection' : 'connection', (sock: Socket) => {
    sockets.add(sock);
    sock.on('close', () => sockets.delete(sock));
    let buf = Buffer.alloc(0);
    sock.on('data', (d: Buffer) => {
      const { frames: got, rest } = splitOctetCounted(Buffer.concat([buf, d]));
      buf = Buffer.from(rest);
      for (const f of got) frames.push(parseSyslog(f));
    });
  });
  return { frames, sockets };
}

/** Calls a success, a denied-signature call with a claimed key id full of SD specials, and more. */
async function makeCalls(t: TestServer): Promise<void> {
  const root = popClient(t.url, t.rootKey.id, t.rootKey.secret);
  await root.request('DescribeSummaryInfo', {});
  await expect(popClient(t.url, NASTY_KEY, 'nope').request('DescribeSummaryInfo', { Password: 'hunter2' })).rejects.toBeTruthy();
  await root.request('ListAccessKeys', {});
}

async function dbEventIds(t: TestServer): Promise<string[]> {
  await t.server.services.audit.flush();
  return (await t.server.services.store.db.selectFrom('audit_events').select('id').execute()).map((r) => r.id);
}

function checkFrames(frames: ParsedSyslog[], t: TestServer, facility: number): void {
  const ok = frames.find((f) => f.msgId === 'DescribeSummaryInfo' && f.sd[0]?.params.result === 'Success');
  expect(ok).toBeDefined();
  expect(ok).toMatchObject({ facility, severity: 6, appName: 'vigil', procId: String(process.pid) });
  expect(ok?.sd[0]?.id).toBe('vigil@32473');
  expect(ok?.sd[0]?.params).toMatchObject({ principal: 'root', accessKeyId: t.rootKey.id, sourceIp: '127.0.0.1', action: 'DescribeSummaryInfo' });
  expect(Number(ok?.sd[0]?.params.latencyMs)).toBeGreaterThanOrEqual(0);
  const ev = JSON.parse(ok?.msg ?? '') as { eventId: string; userIdentity: { accessKeyId: string } };
  expect(ev.eventId).toBe(ok?.sd[0]?.params.eventId);
  expect(Math.abs(Date.parse(ok?.timestamp ?? '') - Date.now())).toBeLessThan(120_000);

  const bad = frames.find((f) => f.sd[0]?.params.accessKeyId === NASTY_KEY);
  expect(bad, 'the claimed key id with " ] \\ round-trips through SD escaping').toBeDefined();
  expect(bad).toMatchObject({ facility, severity: 4 });
  expect(bad?.sd[0]?.params.result).toBe('InvalidAccessKeyId.NotFound');
  const badEvent = JSON.parse(bad?.msg ?? '') as { requestParameters: Record<string, unknown> };
  expect(badEvent.requestParameters.Password).toBe('******');
  expect(bad?.msg).not.toContain('hunter2');
}

describe('audit forwarding to syslog', () => {
  it('UDP (RFC 5426): one RFC 5424 message per datagram, facility from config', async () => {
    const udp = createSocket('udp4');
    const frames: ParsedSyslog[] = [];
    const errors: string[] = [];
    udp.on('message', (m) => {
      try {
        frames.push(parseSyslog(m));
      } catch (err) {
        errors.push((err as Error).message);
      }
    });
    await new Promise<void>((r) => udp.bind(0, '127.0.0.1', r));
    const t = await startTestServer({
      flags: { audit: { forward: { syslog: { transport: 'udp', host: '127.0.0.1', port: udp.address().port, facility: 'local3' } } } },
    });
    try {
      await makeCalls(t);
      const ids = await dbEventIds(t);
      await waitFor('all records over UDP', () => errors.length > 0 || frames.length >= ids.length);
      expect(errors).toEqual([]);
      expect(frames.map((f) => f.sd[0]?.params.eventId).sort()).toEqual([...ids].sort());
      checkFrames(frames, t, 19);
      expect(t.server.services.audit.forwardingStats()[0]).toMatchObject({ kind: 'syslog', target: `udp://127.0.0.1:${udp.address().port}`, failures: 0, dropped: 0 });
    } finally {
      await t.close();
      udp.close();
    }
  });

  it('TCP (RFC 6587 octet counting): records queued while the collector is down arrive once it is up', async () => {
    const probe = createNetServer();
    const port = await listen(probe);
    await new Promise((r) => probe.close(r)); // nothing listens on `port` now
    const t = await startTestServer({ flags: { audit: { forward: { syslog: { transport: 'tcp', host: '127.0.0.1', port } } } } });
    const server = createNetServer();
    const col = streamCollector(server);
    try {
      await makeCalls(t); // the gateway answers although the collector is down
      await waitFor('a failed delivery', () => t.server.services.audit.forwardingStats()[0]?.failures);
      await listen(server, port);
      const ids = await dbEventIds(t);
      await waitFor('the queued records over TCP', () => col.frames.length >= ids.length);
      checkFrames(col.frames, t, 10); // default facility: authpriv
      // The collector drops the connection: the forwarder reconnects and sends what follows.
      for (const s of col.sockets) s.destroy();
      await new Promise((r) => setTimeout(r, 100));
      await makeCalls(t);
      const ids2 = await dbEventIds(t);
      await waitFor('records after reconnect', () => new Set(col.frames.map((f) => f.sd[0]?.params.eventId)).size >= ids2.length);
      expect(new Set(col.frames.map((f) => f.sd[0]?.params.eventId))).toEqual(new Set(ids2));
      expect(t.server.services.audit.forwardingStats()[0]?.lastSuccessAt).toBeGreaterThan(0);
    } finally {
      await t.close();
      for (const s of col.sockets) s.destroy();
      await new Promise((r) => server.close(r));
    }
  });

  describe('TLS: syslog (RFC 5425) and https webhook', () => {
    let dir: string;
    let cert: string;
    let key: string;
    beforeAll(() => {
      dir = mkdtempSync(join(tmpdir(), 'vigil-syslog-tls-'));
      execFileSync('openssl', [
        'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=localhost',
        '-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1',
        '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem'),
      ], { stdio: 'ignore' });
      cert = readFileSync(join(dir, 'cert.pem'), 'utf8');
      key = readFileSync(join(dir, 'key.pem'), 'utf8');
    });
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    it('verifies the collector certificate against caFile and delivers', async () => {
      const server = createTlsServer({ cert, key });
      const col = streamCollector(server, true);
      const port = await listen(server);
      const t = await startTestServer({
        flags: { audit: { forward: { syslog: { transport: 'tls', host: 'localhost', port, caFile: join(dir, 'cert.pem'), facility: 'local7' } } } },
      });
      try {
        await makeCalls(t);
        const ids = await dbEventIds(t);
        await waitFor('records over TLS', () => col.frames.length >= ids.length);
        checkFrames(col.frames, t, 23);
      } finally {
        await t.close();
        for (const s of col.sockets) s.destroy();
        await new Promise((r) => server.close(r));
      }
    });

    it('webhook over https: verified with caFile and delivered; refused by default without it', async () => {
      const got: string[] = [];
      const https = createHttpsServer({ cert, key }, (req, res) => {
        const chunks: Buffer[] = [];
        req.on('data', (c: Buffer) => chunks.push(c));
        req.on('end', () => {
          got.push(...(JSON.parse(Buffer.concat(chunks).toString('utf8')) as { events: Array<{ eventId: string }> }).events.map((e) => e.eventId));
          res.end();
        });
      });
      const port = await listen(https);
      const url = `https://localhost:${port}/audit`;
      const trusted = await startTestServer({ flags: { audit: { forward: { webhook: { url, caFile: join(dir, 'cert.pem') } } } } });
      const untrusted = await startTestServer({ flags: { audit: { forward: { webhook: { url } } } } });
      try {
        await makeCalls(trusted);
        await makeCalls(untrusted);
        const ids = await dbEventIds(trusted);
        await waitFor('https delivery', () => got.length >= ids.length);
        expect(new Set(got)).toEqual(new Set(ids));
        const stats = await waitFor('an https verification failure', () => {
          const s = untrusted.server.services.audit.forwardingStats()[0];
          return s && s.failures > 0 ? s : undefined;
        });
        expect(stats.lastError).toMatch(/self[- ]signed|certificate/i);
        expect(stats.sent).toBe(0);
      } finally {
        await trusted.close();
        await untrusted.close();
        https.closeAllConnections();
        await new Promise((r) => https.close(r));
      }
    });

    it('refuses a collector whose certificate it cannot verify, and keeps serving', async () => {
      const server = createTlsServer({ cert, key });
      const col = streamCollector(server, true);
      const port = await listen(server);
      const t = await startTestServer({ flags: { audit: { forward: { syslog: { transport: 'tls', host: 'localhost', port } } } } });
      try {
        await makeCalls(t);
        const stats = await waitFor('a TLS verification failure', () => {
          const s = t.server.services.audit.forwardingStats()[0];
          return s && s.failures > 0 ? s : undefined;
        });
        expect(stats.lastError).toMatch(/self[- ]signed|certificate/i);
        expect(stats.sent).toBe(0);
        expect(col.frames).toHaveLength(0);
        expect((await dbEventIds(t)).length).toBeGreaterThanOrEqual(3);
      } finally {
        await t.close();
        for (const s of col.sockets) s.destroy();
        await new Promise((r) => server.close(r));
      }
    });
  });
});

async function freePort(): Promise<number> {
  const probe = createNetServer();
  const port = await listen(probe);
  await new Promise((r) => probe.close(r));
  return port;
}

// rsyslog is in scripts/debian-packages.txt: a real collector parses what we send.
describe('audit forwarding into a real rsyslogd', () => {
  it.each(['tcp', 'udp'] as const)('rsyslogd (%s) parses our RFC 5424 header and structured data', async (transport) => {
    expect(existsSync('/usr/sbin/rsyslogd'), 'rsyslog must be installed (scripts/debian-packages.txt)').toBe(true);
    const dir = mkdtempSync(join(tmpdir(), 'vigil-rsyslog-'));
    const port = await freePort();
    const out = join(dir, 'out.log');
    // One record = 3 lines: header fields, the SD parsed by mmpstrucdata (JSON), and MSG.
    writeFileSync(
      join(dir, 'rsyslog.conf'),
      [
        `global(workDirectory="${dir}")`,
        `module(load="im${transport}")`,
        'module(load="mmpstrucdata")',
        `input(type="im${transport}" port="${port}" address="127.0.0.1")`,
        'template(name="t" type="list") { property(name="syslogfacility") constant(value="|") property(name="syslogseverity") constant(value="|")',
        '  property(name="hostname") constant(value="|") property(name="app-name") constant(value="|") property(name="procid") constant(value="|")',
        '  property(name="msgid") constant(value="|") property(name="timereported" dateFormat="rfc3339") constant(value="\\n")',
        '  property(name="$!") constant(value="\\n") property(name="msg") constant(value="\\n") }',
        'action(type="mmpstrucdata")',
        `action(type="omfile" file="${out}" template="t")`,
      ].join('\n'),
    );
    const rs = spawn('/usr/sbin/rsyslogd', ['-n', '-f', join(dir, 'rsyslog.conf'), '-i', join(dir, 'rsyslog.pid')], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    rs.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    let t: TestServer | undefined;
    try {
      if (transport === 'tcp') {
        await waitFor(`rsyslogd listening on ${port} (${stderr})`, () => {
          try {
            execFileSync('bash', ['-c', `exec 3<>/dev/tcp/127.0.0.1/${port}`], { stdio: 'ignore' });
            return true;
          } catch {
            return false;
          }
        });
      } else {
        await new Promise((r) => setTimeout(r, 1000)); // UDP has no handshake; give rsyslogd time to bind
      }
      t = await startTestServer({ flags: { audit: { forward: { syslog: { transport, host: '127.0.0.1', port, facility: 'local4', hostname: 'vigil-test-host' } } } } });
      await makeCalls(t);
      const ids = await dbEventIds(t);
      const lines = await waitFor('rsyslogd output', () => {
        const l = existsSync(out) ? readFileSync(out, 'utf8').split('\n').filter(Boolean) : [];
        return l.length >= ids.length * 3 ? l : undefined;
      });
      const records = [];
      for (let i = 0; i < lines.length; i += 3) {
        const [fac, sev, host, app, procid, msgid, ts] = (lines[i] as string).split('|');
        const sd = (JSON.parse(lines[i + 1] as string) as { 'rfc5424-sd': Record<string, Record<string, string>> })['rfc5424-sd']['vigil@32473'] as Record<string, string>;
        const msg = JSON.parse((lines[i + 2] as string).replace(/^\uFEFF/, '')) as { eventId: string };
        records.push({ fac, sev, host, app, procid, msgid, ts, sd, msg });
      }
      expect(records.map((r) => r.msg.eventId).sort()).toEqual([...ids].sort());
      // mmpstrucdata lower-cases parameter names.
      const bad = records.find((r) => r.sd.accesskeyid === NASTY_KEY);
      expect(bad, 'rsyslog un-escapes our SD value back to the original').toBeDefined();
      expect(bad).toMatchObject({ fac: '20', sev: '4', host: 'vigil-test-host', app: 'vigil', procid: String(process.pid), msgid: 'DescribeSummaryInfo' });
      const ok = records.find((r) => r.msgid === 'ListAccessKeys');
      expect(ok).toMatchObject({ fac: '20', sev: '6' });
      expect(ok?.sd).toMatchObject({ principal: 'root', accesskeyid: t.rootKey.id, result: 'Success', eventid: ok?.msg.eventId });
      expect(ok?.ts).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}/);
    } finally {
      await t?.close();
      rs.kill('SIGTERM');
      await new Promise((r) => (rs.exitCode === null ? rs.once('exit', r) : r(null)));
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('audit forwarding to a webhook', () => {
  const SECRET = 'webhook-secret-0123456789';

  function verify(headers: IncomingHttpHeaders, body: Buffer): boolean {
    const got = String(headers['x-vigil-signature-256'] ?? '');
    const want = `sha256=${createHmac('sha256', SECRET).update(body).digest('hex')}`;
    return got.length === want.length && timingSafeEqual(Buffer.from(got), Buffer.from(want));
  }

  it('POSTs signed batches; a 500 is retried with the same delivery id and nothing is lost', async () => {
    const posts: Array<{ status: number; delivery: string; valid: boolean; ids: string[] }> = [];
    let answered = 0;
    const http = createHttpServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body = Buffer.concat(chunks);
        const status = answered++ === 0 ? 500 : 200;
        const parsed = JSON.parse(body.toString('utf8')) as { events: Array<{ eventId: string }> };
        posts.push({ status, delivery: String(req.headers['x-vigil-delivery']), valid: verify(req.headers, body), ids: parsed.events.map((e) => e.eventId) });
        res.writeHead(status).end();
      });
    });
    const port = await listen(http);
    const t = await startTestServer({ flags: { audit: { forward: { webhook: { url: `http://127.0.0.1:${port}/hook?token=abc`, secret: SECRET, timeoutMs: 5000 } } } } });
    try {
      await makeCalls(t);
      const ids = await dbEventIds(t);
      await waitFor('delivery after the retry', () => new Set(posts.filter((p) => p.status === 200).flatMap((p) => p.ids)).size >= ids.length);
      expect(posts.every((p) => p.valid)).toBe(true);
      expect(posts[0]?.status).toBe(500);
      expect(posts[1]?.delivery).toBe(posts[0]?.delivery);
      expect(posts[1]?.ids).toEqual(posts[0]?.ids);
      expect(new Set(posts.filter((p) => p.status === 200).flatMap((p) => p.ids))).toEqual(new Set(ids));
      const stats = t.server.services.audit.forwardingStats()[0];
      expect(stats).toMatchObject({ kind: 'webhook', target: `http://127.0.0.1:${port}/hook`, failures: 1, dropped: 0, queued: 0 });
      expect(stats?.sent).toBe(ids.length);
      expect(stats?.lastError).toContain('500');
      // The same health through the API (ActionTrail 2020-07-06 client), without the token in the query.
      const api = (await popClient(t.url, t.rootKey.id, t.rootKey.secret, '2020-07-06').request('DescribeAuditForwarding', {})) as {
        Targets: Array<Record<string, unknown>>;
      };
      expect(api.Targets).toHaveLength(1);
      expect(api.Targets[0]).toMatchObject({ Kind: 'webhook', Target: `http://127.0.0.1:${port}/hook`, Failures: 1, Dropped: 0, LastError: 'webhook answered HTTP 500' });
      expect(Date.parse(String(api.Targets[0]?.LastSuccessTime))).toBeGreaterThan(0);
    } finally {
      await t.close();
      await new Promise((r) => http.close(r));
    }
  });

  it.each(['sqlite', 'postgres'] as const)('%s: a dead endpoint: the gateway keeps serving, the DB keeps every record, the queue drops oldest (counted)', async (dialect) => {
    const port = await freePort();
    const t = await startTestServer({ dialect, flags: { audit: { forward: { webhook: { url: `http://127.0.0.1:${port}/`, maxQueue: 5, batchSize: 2 } } } } });
    const root = popClient(t.url, t.rootKey.id, t.rootKey.secret);
    for (let i = 0; i < 20; i++) await root.request('DescribeSummaryInfo', {});
    await t.server.services.audit.flush();
    const stored = await t.server.services.store.db.selectFrom('audit_events').select('id').where('event_name', '=', 'DescribeSummaryInfo').execute();
    expect(stored).toHaveLength(20);
    const stats = await waitFor('drops', () => {
      const s = t.server.services.audit.forwardingStats()[0];
      return s && s.dropped > 0 && s.failures > 0 ? s : undefined;
    });
    expect(stats.sent).toBe(0);
    expect(stats.queued).toBeLessThanOrEqual(5 + 2);
    expect(stats.lastError).toMatch(/ECONNREFUSED/);
    const started = Date.now();
    await t.close(); // must not hang on the dead endpoint
    expect(Date.now() - started).toBeLessThan(15_000);
  });
});
