/**
 * Live-service weak-password and open-access probes (src/host/probe):
 * - MariaDB on 127.0.0.1:3306 (root, empty password here): a user created by the test with
 *   `admin@123` is found over a real connection; one with a strong random password is not; the
 *   local root with an empty password is flagged; a refused connection is an error, not "no
 *   weak password";
 * - Memcached: a real memcached started on a spare port answers `stats` → open; Redis (a different
 *   real server) is not mistaken for it;
 * - MongoDB: no mongod on this machine, so the OP_MSG/BSON client is proven against a stand-in
 *   server in this file that frames replies by hand (bytes written field by field, independent of
 *   src/host/probe/bson.ts), for an open server and one with authorization enabled;
 * - Elasticsearch: not installable here; the HTTP probe runs against a stand-in node:http server
 *   serving the documented `GET /` banner and a 401 with WWW-Authenticate.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import { connect, createServer, type Server } from 'node:net';
import { join } from 'node:path';
import mysql from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildDictionary, candidatesFor, type WeakDictionary } from '../../src/engines/weakpass/dictionary.js';
import { mysqlFindings, openServiceFindings } from '../../src/engines/weakpass/open-service-findings.js';
import { probeElasticsearchOpen } from '../../src/host/probe/elasticsearch-open.js';
import { probeMemcachedOpen } from '../../src/host/probe/memcached-open.js';
import { probeMongoOpen } from '../../src/host/probe/mongo-open.js';
import { probeMysqlAuth } from '../../src/host/probe/mysql-auth.js';

const RULES = join(import.meta.dirname, '../../rules/weakpass');
const dict: WeakDictionary = buildDictionary({
  commonList: readFileSync(join(RULES, 'common.txt'), 'utf8'),
  phraseList: readFileSync(join(RULES, 'phrases.txt'), 'utf8'),
  years: [2024, 2025, 2026],
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

const SOCKET = '/run/mysqld/mysqld.sock';

describe('MariaDB login probe (real connections to 127.0.0.1:3306 and its unix socket)', () => {
  const suffix = randomBytes(4).toString('hex');
  const weakUser = `vigil_weak_${suffix}`;
  const strongUser = `vigil_strong_${suffix}`;
  let admin: mysql.Connection;

  beforeAll(async () => {
    admin = await mysql.createConnection({ host: '127.0.0.1', port: 3306, user: 'root', password: '' });
    await admin.query(`CREATE USER ?@'localhost' IDENTIFIED BY 'admin@123'`, [weakUser]);
    await admin.query(`CREATE USER ?@'localhost' IDENTIFIED BY ?`, [strongUser, `S-${randomBytes(18).toString('base64')}`]);
  });

  afterAll(async () => {
    await admin.query(`DROP USER IF EXISTS ?@'localhost'`, [weakUser]);
    await admin.query(`DROP USER IF EXISTS ?@'localhost'`, [strongUser]);
    await admin.end();
  });

  it('finds the user with admin@123, names the account and the fix, stops at the first hit', async () => {
    // skip_name_resolve is ON here: TCP from 127.0.0.1 does not match @'localhost' accounts …
    const overTcp = await probeMysqlAuth({ host: '127.0.0.1', port: 3306, user: weakUser, candidates: candidatesFor(weakUser, dict), maxAttempts: 200, minIntervalMs: 2 });
    expect(overTcp.status).toBe('not_found');
    // … the server's unix socket does.
    const r = await probeMysqlAuth({ host: '127.0.0.1', port: 3306, socketPath: SOCKET, user: weakUser, candidates: candidatesFor(weakUser, dict), maxAttempts: 200, minIntervalMs: 5 });
    expect(r.status).toBe('weak_password');
    if (r.status !== 'weak_password') return;
    const list = candidatesFor(weakUser, dict).filter((c) => c.password.length > 0);
    const position = list.findIndex((c) => c.password === 'admin@123');
    expect(r.tried).toBe(position + 1);
    const f = mysqlFindings(r, weakUser, dict);
    expect(f).toHaveLength(1);
    expect(f[0]).toMatchObject({ kind: 'weak_password', service: 'mysql', account: `'${weakUser}'@'localhost'`, target: SOCKET, candidateSource: list[position]?.source });
    expect(f[0]?.fix).toMatch(/ALTER USER|SET PASSWORD/);
    expect(JSON.stringify(f)).not.toContain('admin@123');
  });

  it('does not find the user with a strong random password (every attempt was an access-denied answer)', async () => {
    const r = await probeMysqlAuth({ host: '127.0.0.1', port: 3306, socketPath: SOCKET, user: strongUser, candidates: candidatesFor(strongUser, dict), maxAttempts: 40, minIntervalMs: 5 });
    expect(r).toMatchObject({ status: 'not_found', tried: 40 });
    expect(mysqlFindings(r, strongUser, dict)).toEqual([]);
  });

  it('flags root logging in with an empty password (this machine\'s MariaDB)', async () => {
    const r = await probeMysqlAuth({ host: '127.0.0.1', port: 3306, user: 'root', candidates: [] });
    expect(r.status).toBe('empty_password');
    expect(mysqlFindings(r, 'root', dict)[0]).toMatchObject({ kind: 'empty_password', account: "'root'@'127.0.0.1'" });
  });

  it('a refused connection is an error, not an access-denied answer', async () => {
    const r = await probeMysqlAuth({ host: '127.0.0.1', port: await freePort(), user: weakUser, candidates: candidatesFor(weakUser, dict), maxAttempts: 5 });
    expect(r.status).toBe('error');
    if (r.status === 'error') expect(r.reason).toContain('ECONNREFUSED');
  });
});

describe('Memcached open-access probe', () => {
  let child: ChildProcess | undefined;
  let port = 0;

  beforeAll(async () => {
    port = await freePort();
    child = spawn('memcached', ['-p', String(port), '-l', '127.0.0.1', '-U', '0', '-u', 'nobody', '-m', '8'], { stdio: 'ignore' });
    await waitForPort(port, 10_000);
  });

  afterAll(async () => {
    if (child && child.exitCode === null) {
      const exited = new Promise((r) => child?.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    }
  });

  it('a real memcached on a spare port answers stats without authentication', async () => {
    const r = await probeMemcachedOpen({ host: '127.0.0.1', port });
    expect(r.status).toBe('no_auth');
    expect(r.version).toMatch(/^1\.\d+\.\d+/);
    const f = openServiceFindings('memcached', r);
    expect(f[0]).toMatchObject({ kind: 'unauthorized_access', service: 'memcached', target: `127.0.0.1:${port}` });
    expect(f[0]?.fix).toContain('-l 127.0.0.1');
  });

  it('Redis (a different real server) is not mistaken for memcached', async () => {
    const r = await probeMemcachedOpen({ host: '127.0.0.1', port: 6379 });
    expect(r.status).toBe('error');
    expect(openServiceFindings('memcached', r)).toEqual([]);
  });
});

// ---- MongoDB stand-in: wire framing and BSON written by hand, field by field ----
const cstr = (s: string) => Buffer.concat([Buffer.from(s), Buffer.from([0])]);
const i32 = (n: number) => {
  const b = Buffer.alloc(4);
  b.writeInt32LE(n);
  return b;
};
const dbl = (n: number) => {
  const b = Buffer.alloc(8);
  b.writeDoubleLE(n);
  return b;
};
const doc = (...elements: Buffer[]) => {
  const body = Buffer.concat(elements);
  return Buffer.concat([i32(body.length + 5), body, Buffer.from([0])]);
};
const eDouble = (k: string, v: number) => Buffer.concat([Buffer.from([0x01]), cstr(k), dbl(v)]);
const eString = (k: string, v: string) => Buffer.concat([Buffer.from([0x02]), cstr(k), i32(Buffer.byteLength(v) + 1), cstr(v)]);
const eInt = (k: string, v: number) => Buffer.concat([Buffer.from([0x10]), cstr(k), i32(v)]);
const eBool = (k: string, v: boolean) => Buffer.concat([Buffer.from([0x08]), cstr(k), Buffer.from([v ? 1 : 0])]);
const eDoc = (k: string, d: Buffer, type = 0x03) => Buffer.concat([Buffer.from([type]), cstr(k), d]);
const eOid = (k: string) => Buffer.concat([Buffer.from([0x07]), cstr(k), Buffer.from('65f0c0ffee0000000000beef', 'hex')]);
const eDate = (k: string) => {
  const b = Buffer.alloc(8);
  b.writeBigInt64LE(BigInt(Date.now()));
  return Buffer.concat([Buffer.from([0x09]), cstr(k), b]);
};
const opMsgReply = (responseTo: number, body: Buffer) => {
  const head = Buffer.concat([i32(0), i32(9000 + responseTo), i32(responseTo), i32(2013), i32(0), Buffer.from([0])]);
  const msg = Buffer.concat([head, body]);
  msg.writeInt32LE(msg.length, 0);
  return msg;
};

function helloReply(): Buffer {
  return doc(eDoc('topologyVersion', doc(eOid('processId'), Buffer.concat([Buffer.from([0x12]), cstr('counter'), Buffer.alloc(8)]))), eBool('isWritablePrimary', true), eInt('maxBsonObjectSize', 16777216), eDate('localTime'), eInt('maxWireVersion', 21), eBool('readOnly', false), eDouble('ok', 1));
}

function startMongoStandIn(auth: boolean): Promise<{ server: Server; port: number; commands: string[] }> {
  const commands: string[] = [];
  const server = createServer((sock) => {
    let buf = Buffer.alloc(0);
    sock.on('data', (d: Buffer) => {
      buf = Buffer.concat([buf, d]);
      while (buf.length >= 4 && buf.length >= buf.readInt32LE(0)) {
        const len = buf.readInt32LE(0);
        const frame = buf.subarray(0, len);
        buf = buf.subarray(len);
        const requestId = frame.readInt32LE(4);
        // body section starts at 21: document length, then the first element's type byte and key
        const firstKey = frame.toString('utf8', 26, frame.indexOf(0, 26));
        commands.push(firstKey);
        if (frame.readInt32LE(12) !== 2013) {
          sock.destroy();
          return;
        }
        let reply: Buffer;
        if (firstKey === 'hello') reply = helloReply();
        else if (firstKey === 'listDatabases' && !auth) reply = doc(eDoc('databases', doc(eDoc('0', doc(eString('name', 'admin'))), eDoc('1', doc(eString('name', 'shop')))), 0x04), eDouble('ok', 1));
        else reply = doc(eDouble('ok', 0), eString('errmsg', `command ${firstKey} requires authentication`), eInt('code', 13), eString('codeName', 'Unauthorized'));
        sock.write(opMsgReply(requestId, reply));
      }
    });
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ server, port: (server.address() as { port: number }).port, commands })));
}

describe('MongoDB open-access probe (stand-in server: no mongod on this machine)', () => {
  const servers: Server[] = [];
  afterAll(() => servers.forEach((s) => s.close()));

  it('an instance without authorization lists its databases → unauthorized access', async () => {
    const s = await startMongoStandIn(false);
    servers.push(s.server);
    const r = await probeMongoOpen({ host: '127.0.0.1', port: s.port });
    expect(s.commands).toEqual(['hello', 'listDatabases']);
    expect(r).toMatchObject({ status: 'no_auth', databases: ['admin', 'shop'] });
    expect(openServiceFindings('mongodb', r)[0]?.fix).toContain('authorization: enabled');
  });

  it('an instance with authorization answers Unauthorized (code 13) → no finding', async () => {
    const s = await startMongoStandIn(true);
    servers.push(s.server);
    const r = await probeMongoOpen({ host: '127.0.0.1', port: s.port });
    expect(r.status).toBe('auth_required');
    expect(openServiceFindings('mongodb', r)).toEqual([]);
  });

  it('a real non-MongoDB server (Redis) gives an error, not a verdict', async () => {
    const r = await probeMongoOpen({ host: '127.0.0.1', port: 6379, timeoutMs: 1500 });
    expect(r.status).toBe('error');
  });
});

describe('Elasticsearch open-access probe (stand-in HTTP server: Elasticsearch is not installed here)', () => {
  const BANNER = JSON.stringify({ name: 'node-1', cluster_name: 'prod-logs', cluster_uuid: 'x1', version: { number: '8.13.4', build_flavor: 'default', lucene_version: '9.10.0' }, tagline: 'You Know, for Search' });
  let server: HttpServer;
  let port = 0;
  let secured = false;
  beforeAll(async () => {
    server = createHttpServer((req, res) => {
      if (secured && !req.headers.authorization) {
        res.writeHead(401, { 'www-authenticate': 'Basic realm="security" charset="UTF-8"', 'content-type': 'application/json' });
        res.end('{"error":{"type":"security_exception"},"status":401}');
        return;
      }
      res.writeHead(req.url === '/' ? 200 : 404, { 'content-type': 'application/json' });
      res.end(req.url === '/' ? BANNER : '{}');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    port = (server.address() as { port: number }).port;
  });
  afterAll(() => server.close());

  it('GET / answering the cluster banner without credentials → unauthorized access', async () => {
    secured = false;
    const r = await probeElasticsearchOpen({ host: '127.0.0.1', port });
    expect(r).toMatchObject({ status: 'no_auth', banner: { clusterName: 'prod-logs', version: '8.13.4' } });
    expect(openServiceFindings('elasticsearch', r)[0]?.fix).toContain('xpack.security.enabled');
  });

  it('401 with WWW-Authenticate → auth required, no finding', async () => {
    secured = true;
    const r = await probeElasticsearchOpen({ host: '127.0.0.1', port });
    expect(r.status).toBe('auth_required');
    expect(openServiceFindings('elasticsearch', r)).toEqual([]);
  });
});
