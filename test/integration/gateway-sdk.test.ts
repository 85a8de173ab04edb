import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signV1 } from '../../src/iam/signature/v1.js';
import { openapiCall, popClient } from '../helpers/sdk.js';
import { startTestServer, type TestServer } from '../helpers/server.js';


let t: TestServer;

const ts = (d = new Date()) => d.toISOString().replace(/\.\d{3}Z$/, 'Z');

/** A v1-signed GET we build by hand, to control nonce and timestamp. */
function signedUrl(params: Record<string, string>, secret: string): string {
  const all = { Format: 'JSON', Version: '2018-12-03', SignatureMethod: 'HMAC-SHA1', SignatureVersion: '1.0', ...params };
  const sig = signV1('GET', all, secret);
  return `${t.url}/?${new URLSearchParams({ ...all, Signature: sig }).toString()}`;
}

describe.each(['sqlite', 'postgres'] as const)('real Alibaba SDK clients against a running server on %s', (dialect) => {
  beforeAll(async () => {
    t = await startTestServer({ dialect });
  });
  afterAll(async () => {
    await t?.close();
  });

  it('pop-core GET and POST call DescribeSummaryInfo', async () => {
    const c = popClient(t.url, t.rootKey.id, t.rootKey.secret);
    const get = await c.request('DescribeSummaryInfo', {});
    expect(get).toMatchObject({ AegisClientOnlineCount: 0, AegisClientOfflineCount: 0, SecurityScore: 100, Success: true });
    expect(typeof get.RequestId).toBe('string');
    const post = await c.request('DescribeSummaryInfo', { Lang: 'zh' }, { method: 'POST' });
    expect(post.Success).toBe(true);
  });

  it('openapi-client v3 (ACS3-HMAC-SHA256) and v2 (HMAC-SHA1) call DescribeSummaryInfo', async () => {
    const v3 = await openapiCall(t.port, t.rootKey.id, t.rootKey.secret, 'DescribeSummaryInfo', { Lang: 'en' });
    expect(v3.statusCode).toBe(200);
    expect(v3.body).toMatchObject({ SecurityScore: 100, Success: true });
    const v2 = await openapiCall(t.port, t.rootKey.id, t.rootKey.secret, 'DescribeSummaryInfo', { SourceIp: "a b*'()!~+/é中=&" }, 'v2');
    expect(v2.body.Success).toBe(true);
  });

  it('a wrong secret surfaces SignatureDoesNotMatch in both SDKs', async () => {
    await expect(popClient(t.url, t.rootKey.id, 'wrong-secret').request('DescribeSummaryInfo', {})).rejects.toMatchObject({ code: 'SignatureDoesNotMatch' });
    await expect(openapiCall(t.port, t.rootKey.id, 'wrong-secret', 'DescribeSummaryInfo')).rejects.toMatchObject({ code: 'SignatureDoesNotMatch' });
    await expect(openapiCall(t.port, t.rootKey.id, 'wrong-secret', 'DescribeSummaryInfo', {}, 'v2')).rejects.toMatchObject({ code: 'SignatureDoesNotMatch' });
  });

  it('refuses a replayed nonce and an expired timestamp with their codes', async () => {
    const url = signedUrl({ Action: 'DescribeSummaryInfo', AccessKeyId: t.rootKey.id, SignatureNonce: 'nonce-replay-1', Timestamp: ts() }, t.rootKey.secret);
    const first = await fetch(url);
    expect(first.status).toBe(200);
    const again = await fetch(url);
    expect(again.status).toBe(400);
    expect(await again.json()).toMatchObject({ Code: 'SignatureNonceUsed' });

    const old = signedUrl({ Action: 'DescribeSummaryInfo', AccessKeyId: t.rootKey.id, SignatureNonce: 'n-old', Timestamp: ts(new Date(Date.now() - 16 * 60_000)) }, t.rootKey.secret);
    const r = await fetch(old);
    expect(r.status).toBe(400);
    const body = (await r.json()) as Record<string, string>;
    expect(body).toMatchObject({ Code: 'InvalidTimeStamp.Expired' });
    expect(Object.keys(body).sort()).toEqual(['Code', 'HostId', 'Message', 'Recommend', 'RequestId']);

    const badFormat = signedUrl({ Action: 'DescribeSummaryInfo', AccessKeyId: t.rootKey.id, SignatureNonce: 'n-fmt', Timestamp: '2026/12/04 10:00' }, t.rootKey.secret);
    expect(await (await fetch(badFormat)).json()).toMatchObject({ Code: 'InvalidTimeStamp.Format' });
  });

  it('an unknown key is InvalidAccessKeyId.NotFound; an inactive key gets InvalidAccessKeyId.Inactive', async () => {
    await expect(popClient(t.url, 'LTAInotakey000000000000', 'x').request('DescribeSummaryInfo', {})).rejects.toMatchObject({ code: 'InvalidAccessKeyId.NotFound' });
    const root = popClient(t.url, t.rootKey.id, t.rootKey.secret);
    const created = (await root.request('CreateAccessKey', {}, { method: 'POST' })) as { AccessKey: { AccessKeyId: string; AccessKeySecret: string } };
    const second = popClient(t.url, created.AccessKey.AccessKeyId, created.AccessKey.AccessKeySecret);
    expect((await second.request('DescribeSummaryInfo', {})).Success).toBe(true);
    await root.request('UpdateAccessKey', { UserAccessKeyId: created.AccessKey.AccessKeyId, Status: 'Inactive' }, { method: 'POST' });
    await expect(second.request('DescribeSummaryInfo', {})).rejects.toMatchObject({ code: 'InvalidAccessKeyId.Inactive' });
    await expect(openapiCall(t.port, created.AccessKey.AccessKeyId, created.AccessKey.AccessKeySecret, 'DescribeSummaryInfo')).rejects.toMatchObject({
      code: 'InvalidAccessKeyId.Inactive',
    });
    await root.request('DeleteAccessKey', { UserAccessKeyId: created.AccessKey.AccessKeyId }, { method: 'POST' });
    const list = (await root.request('ListAccessKeys', {})) as { AccessKeys: { AccessKey: Array<{ AccessKeyId: string }> } };
    expect(list.AccessKeys.AccessKey.map((k) => k.AccessKeyId)).toEqual([t.rootKey.id]);
  });

  it('answers RAM actions to 2015-05-01 and ActionTrail actions to 2020-07-06, and refuses foreign versions', async () => {
    const ram = popClient(t.url, t.rootKey.id, t.rootKey.secret, '2015-05-01');
    expect((await ram.request('ListAccessKeys', {})).AccessKeys).toBeDefined();
    const trail = popClient(t.url, t.rootKey.id, t.rootKey.secret, '2020-07-06');
    expect(Array.isArray((await trail.request('LookupEvents', { MaxResults: 5 })).Events)).toBe(true);
    await expect(ram.request('DescribeSummaryInfo', {})).rejects.toMatchObject({ code: 'InvalidVersion' });
  });

  it('every call is in the audit trail, with secrets redacted and failures included', async () => {
    const root = popClient(t.url, t.rootKey.id, t.rootKey.secret);
    await expect(popClient(t.url, t.rootKey.id, 'bad').request('DescribeSummaryInfo', { Password: 'hunter2' })).rejects.toBeTruthy();
    await t.server.services.audit.flush();
    const res = (await root.request('LookupEvents', { LookupAttribute: [{ Key: 'ErrorCode', Value: 'SignatureDoesNotMatch' }], MaxResults: 50 })) as {
      Events: Array<{ eventName: string; requestParameters: Record<string, unknown>; userIdentity: { accessKeyId?: string }; additionalEventData: { Decision: string } }>;
    };
    const bad = res.Events.find((e) => e.requestParameters.Password !== undefined);
    expect(bad).toBeDefined();
    expect(bad?.requestParameters.Password).toBe('******');
    expect(bad?.userIdentity.accessKeyId).toBe(t.rootKey.id);
    expect(bad?.additionalEventData.Decision).toBe('NotAuthenticated');
    const created = (await root.request('LookupEvents', { LookupAttribute: [{ Key: 'EventName', Value: 'CreateAccessKey' }] })) as { Events: unknown[] };
    expect(created.Events.length).toBeGreaterThanOrEqual(1);
  });

  it('pages LookupEvents with NextToken without repeats', async () => {
    const root = popClient(t.url, t.rootKey.id, t.rootKey.secret);
    for (let i = 0; i < 5; i++) await root.request('DescribeSummaryInfo', {});
    const seen = new Set<string>();
    let token: string | undefined;
    let pages = 0;
    do {
      const r = (await root.request('LookupEvents', { MaxResults: 3, ...(token ? { NextToken: token } : {}), LookupAttribute: [{ Key: 'EventName', Value: 'DescribeSummaryInfo' }] })) as {
        Events: Array<{ eventId: string }>;
        NextToken?: string;
      };
      for (const e of r.Events) {
        expect(seen.has(e.eventId)).toBe(false);
        seen.add(e.eventId);
      }
      token = r.NextToken;
      pages++;
    } while (token && pages < 20);
    expect(seen.size).toBeGreaterThanOrEqual(5);
    expect(pages).toBeGreaterThanOrEqual(2);
  });
});
