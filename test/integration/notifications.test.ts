/**
 * Alert notifications through the real server (both store dialects) and pop-core: real HTTP
 * receivers on loopback for the generic, DingTalk (signature verified here) and Slack shapes, a
 * receiver that fails once with 500, one that refuses with 400, one that never answers, and a real
 * SMTP server (smtp-server) that receives the mail.
 */
import { createHmac } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { popClient } from '../helpers/sdk.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

const HOST = '33333333-3333-4333-8333-333333333333';
const DING_SECRET = 'SECvigil-test-signing-secret-0123456789abcdef';
const SMTP_PASSWORD = 'smtp-Pa55word-not-for-display';
const URL_TOKEN = 'tok3n-in-the-url-must-stay-hidden';

interface Hit {
  path: string;
  query: URLSearchParams;
  body: Record<string, unknown>;
}

interface Receiver {
  url: string;
  hits: Hit[];
  /** Requests the `/hang` route is holding. */
  held: ServerResponse[];
  close(): Promise<void>;
}

async function startReceiver(): Promise<Receiver> {
  const hits: Hit[] = [];
  const held: ServerResponse[] = [];
  let flaky = 0;
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    let raw = '';
    req.on('data', (d: Buffer) => (raw += d.toString()));
    req.on('end', () => {
      const u = new URL(req.url ?? '/', 'http://x');
      let body: Record<string, unknown> = {};
      try {
        body = JSON.parse(raw) as Record<string, unknown>;
      } catch {
        res.writeHead(400).end('not json');
        return;
      }
      hits.push({ path: u.pathname, query: u.searchParams, body });
      if (u.pathname === '/ding') {
        // DingTalk's check: sign = Base64(HMAC-SHA256(secret, timestamp + "\n" + secret)), fresh timestamp.
        const ts = u.searchParams.get('timestamp') ?? '';
        const expected = createHmac('sha256', DING_SECRET).update(`${ts}\n${DING_SECRET}`).digest('base64');
        const fresh = Math.abs(Date.now() - Number(ts)) < 3_600_000;
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify(u.searchParams.get('sign') === expected && fresh ? { errcode: 0, errmsg: 'ok' } : { errcode: 310000, errmsg: 'sign not match' }));
        return;
      }
      if (u.pathname === '/flaky') {
        flaky++;
        res.writeHead(flaky === 1 ? 500 : 200).end(flaky === 1 ? 'try later' : 'ok');
        return;
      }
      if (u.pathname === '/refuse') {
        res.writeHead(400).end('bad payload');
        return;
      }
      if (u.pathname === '/hang') {
        held.push(res);
        return;
      }
      res.writeHead(200).end('ok');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    hits,
    held,
    close: async () => {
      for (const r of held) r.destroy();
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    },
  };
}

interface Mail {
  from: string;
  to: string[];
  data: string;
  user: string;
}

async function startSmtp(): Promise<{ port: number; mails: Mail[]; close(): Promise<void> }> {
  const mails: Mail[] = [];
  const smtp = new SMTPServer({
    disabledCommands: ['STARTTLS'],
    allowInsecureAuth: true,
    authMethods: ['PLAIN', 'LOGIN'],
    onAuth(auth, _session, cb) {
      if (auth.username === 'alerts' && auth.password === SMTP_PASSWORD) cb(null, { user: auth.username });
      else cb(new Error('invalid credentials'));
    },
    onData(stream, session, cb) {
      let data = '';
      stream.on('data', (d: Buffer) => (data += d.toString()));
      stream.on('end', () => {
        const from = session.envelope.mailFrom;
        mails.push({ from: from ? from.address : '', to: session.envelope.rcptTo.map((r) => r.address), data, user: String(session.user ?? '') });
        cb();
      });
    },
  });
  await new Promise<void>((r) => smtp.listen(0, '127.0.0.1', r));
  const port = (smtp.server.address() as AddressInfo).port;
  return { port, mails, close: () => new Promise((r) => smtp.close(() => r())) };
}

function alertEvent(level: string, name: string, aggKey: string) {
  return { ruleId: 'test.notify', name, level, aggKey, details: { pid: 1, exe: '/usr/bin/true', cmdline: ['true'] } };
}

async function until<T>(what: string, fn: () => T | undefined | Promise<T | undefined>, ms = 20_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe.each(['sqlite', 'postgres'] as const)('notifications on %s', (dialect) => {
  let t: TestServer;
  let rx: Receiver;
  let mail: Awaited<ReturnType<typeof startSmtp>>;
  let sas: ReturnType<typeof popClient>;
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    [t, rx, mail] = await Promise.all([startTestServer({ dialect }), startReceiver(), startSmtp()]);
    sas = popClient(t.url, t.rootKey.id, t.rootKey.secret);
    const create = async (name: string, p: Record<string, unknown>) => {
      ids[name] = ((await sas.request('CreateNotificationChannel', { Name: name, ...p }, { method: 'POST' })) as { Id: string }).Id;
    };
    await create('generic', { Type: 'webhook', Url: `${rx.url}/generic?token=${URL_TOKEN}`, Levels: 'serious,suspicious' });
    await create('ding', { Type: 'dingtalk', Url: `${rx.url}/ding?access_token=${URL_TOKEN}`, Secret: DING_SECRET, Levels: 'serious' });
    await create('slack', { Type: 'slack', Url: `${rx.url}/slack`, Levels: 'serious' });
    await create('flaky', { Type: 'webhook', Url: `${rx.url}/flaky`, Levels: 'serious' });
    await create('refuse', { Type: 'webhook', Url: `${rx.url}/refuse`, Levels: 'serious' });
    await create('remindOnly', { Type: 'webhook', Url: `${rx.url}/remind`, Levels: 'remind' });
    await create('mail', { Type: 'email', SmtpHost: '127.0.0.1', SmtpPort: mail.port, SmtpSecure: false, SmtpUser: 'alerts', SmtpPassword: SMTP_PASSWORD, MailFrom: 'vigil@example.test', MailTo: 'soc@example.test,oncall@example.test', Levels: 'serious' });
  }, 60_000);

  afterAll(async () => {
    await t?.close();
    await rx?.close();
    await mail?.close();
  });

  it('never returns secrets and stores them sealed', async () => {
    const r = (await sas.request('DescribeNotificationChannels', {}, { method: 'POST' })) as { Channels: Array<Record<string, unknown>> };
    const json = JSON.stringify(r);
    expect(json).not.toContain(URL_TOKEN);
    expect(json).not.toContain(DING_SECRET);
    expect(json).not.toContain(SMTP_PASSWORD);
    const ding = r.Channels.find((c) => c.Id === ids.ding);
    expect(ding).toMatchObject({ Type: 'dingtalk', HasSecret: true, Levels: 'serious', UrlMasked: `${rx.url}/****${URL_TOKEN.slice(-4)}` });
    expect(r.Channels.find((c) => c.Id === ids.mail)).toMatchObject({ Type: 'email', HasPassword: true, SmtpUser: 'alerts', MailTo: 'soc@example.test,oncall@example.test' });
    const rows = await t.server.services.store.db.withTables<{ notify_channels: { secrets_sealed: string } }>().selectFrom('notify_channels').select('secrets_sealed').execute();
    const stored = JSON.stringify(rows);
    for (const s of [URL_TOKEN, DING_SECRET, SMTP_PASSWORD]) expect(stored).not.toContain(s);
  });

  it('rejects bad channel settings with clear errors', async () => {
    await expect(sas.request('CreateNotificationChannel', { Name: 'x', Type: 'fax', Url: 'http://a' }, { method: 'POST' })).rejects.toThrow(/Type must be one of/);
    await expect(sas.request('CreateNotificationChannel', { Name: 'x', Type: 'webhook', Url: 'ftp://a/b' }, { method: 'POST' })).rejects.toThrow(/http\(s\)/);
    await expect(sas.request('CreateNotificationChannel', { Name: 'x', Type: 'webhook', Url: 'http://a', Levels: 'urgent' }, { method: 'POST' })).rejects.toThrow(/urgent/);
    await expect(sas.request('CreateNotificationChannel', { Name: 'x', Type: 'email', SmtpHost: 'h', MailFrom: 'bad', MailTo: 'a@b' }, { method: 'POST' })).rejects.toThrow(/MailFrom/);
  });

  it('test-sends through a channel and reports the outcome', async () => {
    const ok = (await sas.request('TestNotificationChannel', { Id: ids.ding }, { method: 'POST' })) as { Success: boolean; Message: string };
    expect(ok).toMatchObject({ Success: true });
    const hit = rx.hits.find((h) => h.path === '/ding');
    expect(hit?.query.get('access_token')).toBe(URL_TOKEN);
    expect(hit?.body).toMatchObject({ msgtype: 'markdown' });
    const bad = (await sas.request('TestNotificationChannel', { Id: ids.refuse }, { method: 'POST' })) as { Success: boolean; Message: string };
    expect(bad).toEqual({ Success: false, Message: expect.stringContaining('HTTP 400') as unknown, RequestId: expect.any(String) as unknown });
    // A wrong DingTalk secret is refused by the receiver's signature check.
    await sas.request('ModifyNotificationChannel', { Id: ids.ding, Secret: 'SECwrong' }, { method: 'POST' });
    const wrong = (await sas.request('TestNotificationChannel', { Id: ids.ding }, { method: 'POST' })) as { Success: boolean; Message: string };
    expect(wrong.Success).toBe(false);
    expect(wrong.Message).toContain('310000');
    await sas.request('ModifyNotificationChannel', { Id: ids.ding, Secret: DING_SECRET }, { method: 'POST' });
    rx.hits.length = 0;
  });

  it('notifies each channel of its levels once per aggregated alert, retries 500s, and mails', async () => {
    const n = t.server.services.notifications;
    const alertId = await t.server.services.alerts.ingest(t.accountId, HOST, alertEvent('serious', 'Reverse shell: notify test', 'k1'));
    expect(alertId).toBeTypeOf('number');
    await until('deliveries', () => (n.queue.size === 0 && rx.hits.some((h) => h.path === '/flaky' && h.body.source === 'vigil') && rx.hits.filter((h) => h.path === '/flaky').length >= 2 ? true : undefined));
    const generic = rx.hits.find((h) => h.path === '/generic');
    expect(generic?.body).toMatchObject({ source: 'vigil', type: 'alert', reason: 'new', alert: { id: alertId, level: 'serious', name: 'Reverse shell: notify test', uuid: HOST, count: 1, rule: 'test.notify' } });
    const ding = rx.hits.find((h) => h.path === '/ding');
    expect(ding?.body).toMatchObject({ msgtype: 'markdown', markdown: { title: expect.stringContaining('Reverse shell: notify test') as unknown } });
    const slack = rx.hits.find((h) => h.path === '/slack');
    expect(slack?.body.text).toContain('Reverse shell: notify test');
    expect((slack?.body.blocks as Array<{ type: string }>)[0]?.type).toBe('section');
    expect(rx.hits.filter((h) => h.path === '/flaky')).toHaveLength(2); // 500, then 200 after backoff
    expect(rx.hits.filter((h) => h.path === '/refuse')).toHaveLength(1); // 4xx is not retried
    expect(rx.hits.some((h) => h.path === '/remind')).toBe(false); // level not subscribed
    const m = await until('mail', () => mail.mails.find((x) => x.data.includes('Reverse shell: notify test')));
    expect(m.to.sort()).toEqual(['oncall@example.test', 'soc@example.test']);
    expect(m.user).toBe('alerts');
    expect(m.data).toMatch(/^Subject: \[Vigil SERIOUS\] Reverse shell: notify test/m);

    const status = (await sas.request('DescribeNotificationChannels', {}, { method: 'POST' })) as { Channels: Array<{ Id: string; LastStatus: string; LastError: string }> };
    const by = new Map(status.Channels.map((c) => [c.Id, c]));
    expect(by.get(ids.flaky ?? '')?.LastStatus).toBe('ok');
    expect(by.get(ids.refuse ?? '')).toMatchObject({ LastStatus: 'failed', LastError: expect.stringContaining('HTTP 400') as unknown });

    // Same alert again: aggregated (count 2..9) → no new notification; count 10 → one milestone notification.
    const before = rx.hits.filter((h) => h.path === '/generic').length;
    for (let i = 0; i < 8; i++) await t.server.services.alerts.ingest(t.accountId, HOST, alertEvent('serious', 'Reverse shell: notify test', 'k1'));
    await n.queue.idle();
    expect(rx.hits.filter((h) => h.path === '/generic').length).toBe(before);
    await t.server.services.alerts.ingest(t.accountId, HOST, alertEvent('serious', 'Reverse shell: notify test', 'k1'));
    await until('count milestone', () => rx.hits.find((h) => h.path === '/generic' && h.body.reason === 'count:10'));
    expect((rx.hits.filter((h) => h.path === '/generic').at(-1)?.body.alert as { count: number }).count).toBe(10);

    // A remind-level alert goes only to the remind channel.
    await t.server.services.alerts.ingest(t.accountId, HOST, alertEvent('remind', 'Unusual login hour', 'k2'));
    await until('remind delivery', () => rx.hits.find((h) => h.path === '/remind'));
    await n.queue.idle();
    expect(rx.hits.filter((h) => h.path === '/generic' && (h.body.alert as { name: string }).name === 'Unusual login hour')).toHaveLength(0);
  }, 60_000);

  it('a receiver that never answers does not hold up the alert pipeline', async () => {
    const r = (await sas.request('CreateNotificationChannel', { Name: 'hang', Type: 'webhook', Url: `${rx.url}/hang`, Levels: 'suspicious' }, { method: 'POST' })) as { Id: string };
    await sas.request('ModifyNotificationChannel', { Id: ids.generic, Enabled: false }, { method: 'POST' });
    const id = await t.server.services.alerts.ingest(t.accountId, HOST, alertEvent('suspicious', 'Suspicious process', 'k3'));
    // ingest has returned while the receiver still holds the request open.
    await until('held request', () => (rx.held.length > 0 ? true : undefined));
    expect(id).toBeTypeOf('number');
    const list = (await sas.request('DescribeSuspEvents', { PageSize: '50' }, { method: 'POST' })) as { SuspEvents: Array<{ Id: number }> };
    expect(list.SuspEvents.some((e) => e.Id === id)).toBe(true);
    expect(rx.hits.some((h) => h.path === '/generic' && (h.body.alert as { name: string }).name === 'Suspicious process')).toBe(false); // disabled
    for (const h of rx.held.splice(0)) h.writeHead(200).end('ok');
    await t.server.services.notifications.queue.idle();
    await sas.request('DeleteNotificationChannels', { Ids: r.Id }, { method: 'POST' });
    const after = (await sas.request('DescribeNotificationChannels', {}, { method: 'POST' })) as { Channels: Array<{ Id: string }> };
    expect(after.Channels.some((c) => c.Id === r.Id)).toBe(false);
  }, 30_000);
});
