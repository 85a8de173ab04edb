import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signV1 } from '../../src/iam/signature/v1.js';
import { popClient } from '../helpers/sdk.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer({ flags: { limits: { bodyBytes: 1024 * 1024, requestTimeoutMs: 1500, headersTimeoutMs: 1000 } } });
});
afterAll(async () => {
  await t?.close();
});

const ts = () => new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
let n = 0;
function signed(params: Record<string, string>, method = 'GET'): Record<string, string> {
  const all = { Format: 'JSON', Version: '2018-12-03', SignatureMethod: 'HMAC-SHA1', SignatureVersion: '1.0', AccessKeyId: t.rootKey.id, SignatureNonce: `bad-${n++}-${Date.now()}`, Timestamp: ts(), ...params };
  return { ...all, Signature: signV1(method, all, t.rootKey.secret) };
}

async function stillServing(): Promise<void> {
  const r = await popClient(t.url, t.rootKey.id, t.rootKey.secret).request('DescribeSummaryInfo', {});
  expect(r.Success).toBe(true);
}

async function errorOf(res: Response): Promise<{ status: number; Code: string; Message: string }> {
  const body = (await res.json()) as { Code: string; Message: string; RequestId: string; HostId: string; Recommend: string };
  expect(body.RequestId).toMatch(/^[0-9A-F-]{36}$/);
  expect(body.Recommend).toContain(`/errors/`);
  return { status: res.status, Code: body.Code, Message: body.Message };
}

describe('bad input gets a clear error and the server keeps serving', () => {
  it('unknown Action', async () => {
    const r = await fetch(`${t.url}/?${new URLSearchParams(signed({ Action: 'DescribeNothing' }))}`);
    expect(await errorOf(r)).toMatchObject({ status: 404, Code: 'InvalidApi.NotFound' });
    await stillServing();
  });

  it('missing Version and missing Action', async () => {
    const p = signed({ Action: 'DescribeSummaryInfo' });
    delete p.Version;
    expect(await errorOf(await fetch(`${t.url}/?${new URLSearchParams(p)}`))).toMatchObject({ status: 400, Code: 'MissingParameter', Message: expect.stringContaining('"Version"') });
    expect(await errorOf(await fetch(`${t.url}/?Version=2018-12-03`))).toMatchObject({ status: 400, Code: 'MissingParameter', Message: expect.stringContaining('"Action"') });
  });

  it('malformed form body and invalid UTF-8 (escaped and raw)', async () => {
    const post = (body: string | Blob) => fetch(`${t.url}/`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body });
    expect(await errorOf(await post('Action=DescribeSummaryInfo&Version=%zz'))).toMatchObject({ status: 400, Code: 'InvalidParameter', Message: expect.stringContaining('malformed') });
    expect(await errorOf(await post('Action=DescribeSummaryInfo&Lang=%FF%FE'))).toMatchObject({ status: 400, Code: 'InvalidParameter', Message: expect.stringContaining('UTF-8') });
    expect(await errorOf(await post(new Blob([new Uint8Array([0x41, 0x3d, 0xff, 0xfe])])))).toMatchObject({ status: 400, Code: 'InvalidParameter', Message: expect.stringContaining('UTF-8') });
    expect(await errorOf(await fetch(`${t.url}/?Action=DescribeSummaryInfo&Version=2018-12-03&X=%E4%B8`))).toMatchObject({ status: 400, Code: 'InvalidParameter' });
    await stillServing();
  });

  it('a 10 MB parameter', async () => {
    const big = 'A'.repeat(10 * 1024 * 1024);
    const r = await fetch(`${t.url}/`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: `Action=DescribeSummaryInfo&Lang=${big}` });
    expect(await errorOf(r)).toMatchObject({ status: 413, Code: 'RequestEntityTooLarge' });
    // In the query string it exceeds Node's header limit: refused at the HTTP layer (431).
    const g = await fetch(`${t.url}/?Action=DescribeSummaryInfo&Lang=${big.slice(0, 64 * 1024)}`);
    expect(g.status).toBe(431);
    await stillServing();
  });

  it('a signed request with a 10 MB-ish legal parameter gets a validation error naming it', async () => {
    const p = signed({ Action: 'DescribeSummaryInfo', Lang: 'x'.repeat(200_000) }, 'POST');
    const r = await fetch(`${t.url}/`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(p).toString() });
    expect(await errorOf(r)).toMatchObject({ status: 400, Code: 'InvalidParameter', Message: expect.stringContaining('"Lang"') });
  });

  it('a duplicated parameter is refused', async () => {
    const q = new URLSearchParams(signed({ Action: 'DescribeSummaryInfo' }));
    q.append('Action', 'CreateAccessKey');
    expect(await errorOf(await fetch(`${t.url}/?${q}`))).toMatchObject({ status: 400, Code: 'InvalidParameter', Message: expect.stringContaining('more than once') });
  });

  it('a slow-loris partial body is cut off after the request timeout while others are served', async () => {
    const sock = connect(t.port, '127.0.0.1');
    const closed = new Promise<string>((resolve) => {
      let data = '';
      sock.on('data', (d) => (data += d.toString()));
      sock.on('close', () => resolve(data));
      sock.on('error', () => resolve(data));
    });
    await new Promise<void>((r) => sock.once('connect', () => r()));
    sock.write('POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 100000\r\n\r\nAction=Desc');
    await stillServing();
    const response = await closed;
    expect(response === '' || response.startsWith('HTTP/1.1 408')).toBe(true);
    await stillServing();
  });

  it('a v3 request with a malformed Authorization header', async () => {
    const r = await fetch(`${t.url}/`, { method: 'POST', headers: { authorization: 'ACS3-HMAC-SHA256 Credential=x', 'x-acs-action': 'DescribeSummaryInfo', 'x-acs-version': '2018-12-03' } });
    expect(await errorOf(r)).toMatchObject({ status: 400, Code: 'IncompleteSignature' });
  });

  it('console API without session or CSRF token', async () => {
    expect(await errorOf(await fetch(`${t.url}/api/DescribeSummaryInfo`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' }))).toMatchObject({
      status: 401,
      Code: 'NotLoggedIn',
    });
    expect(await errorOf(await fetch(`${t.url}/api/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"UserName":' }))).toMatchObject({
      status: 400,
    });
  });

  it('every response carries the security headers (CSP, no framing, nosniff)', async () => {
    for (const path of ['/healthz', `/?Action=DescribeSummaryInfo&Version=2018-12-03`]) {
      const r = await fetch(`${t.url}${path}`);
      expect(r.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
      expect(r.headers.get('x-frame-options')).toBe('DENY');
      expect(r.headers.get('x-content-type-options')).toBe('nosniff');
      expect(r.headers.get('strict-transport-security')).toBeNull();
    }
  });
});
