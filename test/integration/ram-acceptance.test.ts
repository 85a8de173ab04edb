import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCatalog } from '../../src/actions/catalog.js';
import { defaultResource } from '../../src/actions/catalog-types.js';
import type { Principal } from '../../src/domain/principal.js';
import { popClient } from '../helpers/sdk.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { P1, P2, P3, P4, P5 } from '../fixtures/acceptance-policies.js';

// Expected grants, written independently of the evaluator: exact RAM action names, and the
// read-only model (API-COMPAT §4) as plain prefix rules.
const EXPLICIT: Record<string, string[]> = {
  P1: ['yundun-sas:DescribeCloudCenterInstances', 'yundun-sas:DescribeFieldStatistics', 'yundun-sas:DescribeCriteria'],
  P2: ['yundun-sas:ModifyPushAllTask'],
  P3: ['yundun-aegis:DescribeVulList', 'yundun-sas:DescribeVulWhitelist'],
  P4: ['yundun-aegis:OperateVul'],
  P5: [
    'yundun-aegis:OperateVul',
    'yundun-aegis:ModifyStartVulScan',
    'yundun-aegis:FixCheckWarnings',
    'yundun-aegis:IgnoreHcCheckWarnings',
    'yundun-aegis:ValidateHcWarnings',
    'yundun-sas:ModifyPushAllTask',
    'yundun-sas:DeleteTagWithUuid',
    'yundun-sas:ModifyTagWithUuid',
    'yundun-sas:CreateOrUpdateAssetGroup',
    'yundun-sas:DeleteGroup',
    'yundun-sas:ModifyAssetImportant',
    'yundun-sas:RefreshAssets',
  ],
};
function readOnlyGrants(ramAction: string): boolean {
  const [service, name = ''] = ramAction.split(':');
  const verbs = service === 'yundun-sas' ? ['Describe', 'Get', 'List', 'Query', 'Check'] : service === 'yundun-aegis' ? ['Describe', 'Get', 'List', 'Query'] : [];
  return verbs.some((v) => name.toLowerCase().startsWith(v.toLowerCase()));
}
function expectedAllowed(policy: string, ramActions: readonly string[]): boolean {
  const explicit = new Set((EXPLICIT[policy] ?? []).map((a) => a.toLowerCase()));
  return ramActions.some((a) => explicit.has(a.toLowerCase()) || (policy === 'P5' && readOnlyGrants(a)));
}

let t: TestServer;
const principals = new Map<string, Principal>();

beforeAll(async () => {
  t = await startTestServer();
  const { ram } = t.server.services;
  for (const [name, doc] of Object.entries({ P1, P2, P3, P4, P5 })) {
    const user = await ram.users.create(t.accountId, `user-${name}`, {});
    await ram.policies.create(t.accountId, name, doc, 'acceptance policy');
    await ram.policies.attach(t.accountId, 'Custom', name, 'User', `user-${name}`);
    if (name === 'P5') await ram.policies.attach(t.accountId, 'System', 'AliyunYundunSASReadOnlyAccess', 'User', 'user-P5');
    principals.set(name, { accountId: t.accountId, userId: user.UserId, userName: user.UserName, kind: 'ram-user', via: 'signature', mfa: false });
  }
});
afterAll(async () => {
  await t?.close();
});

describe('acceptance policies P1–P5 over the whole action catalog', () => {
  const catalog = buildCatalog().values();
  const context = (mfa: boolean) => ({ 'acs:SourceIp': '127.0.0.1', 'acs:CurrentTime': new Date().toISOString(), 'acs:SecureTransport': 'false', 'acs:MFAPresent': String(mfa), 'acs:UserAgent': 'test' });

  it.each(['P1', 'P2', 'P3', 'P4', 'P5'])('%s allows exactly what it describes', async (name) => {
    const principal = principals.get(name) as Principal;
    const allowed: string[] = [];
    const expected: string[] = [];
    for (const action of catalog) {
      const d = await t.server.services.authorizer.authorize(principal, action.ramActions, defaultResource(action, t.accountId), context(false));
      if (d.decision === 'Allow') allowed.push(`${action.product}:${action.name}`);
      if (expectedAllowed(name, action.ramActions)) expected.push(`${action.product}:${action.name}`);
    }
    expect(allowed.sort()).toEqual(expected.sort());
    expect(catalog.length).toBeGreaterThan(30);
  });

  it('P5 + ReadOnly: ecs:RebootInstance only from an MFA session; every Describe* of the catalog is allowed', async () => {
    const p5 = principals.get('P5') as Principal;
    const reboot = (mfa: boolean) => t.server.services.authorizer.authorize({ ...p5, mfa }, ['ecs:RebootInstance'], `acs:yundun-sas::${t.accountId}:*`, context(mfa));
    expect((await reboot(true)).decision).toBe('Allow');
    expect((await reboot(false)).decision).toBe('ImplicitDeny');
    const describes = catalog.filter((a) => a.product === 'Sas' && a.name.startsWith('Describe'));
    expect(describes.length).toBeGreaterThan(0);
    for (const a of describes) expect((await t.server.services.authorizer.authorize(p5, a.ramActions, defaultResource(a, t.accountId), context(false))).decision).toBe('Allow');
  });

  it('the same decisions reach real SDK calls', async () => {
    const root = popClient(t.url, t.rootKey.id, t.rootKey.secret, '2015-05-01');
    const keyFor = async (user: string) => (await root.request('CreateAccessKey', { UserName: user }, { method: 'POST' })) as { AccessKey: { AccessKeyId: string; AccessKeySecret: string } };
    const k1 = await keyFor('user-P1');
    const p1 = popClient(t.url, k1.AccessKey.AccessKeyId, k1.AccessKey.AccessKeySecret);
    await expect(p1.request('DescribeSummaryInfo', {})).rejects.toMatchObject({ code: 'NoPermission' });
    const k5 = await keyFor('user-P5');
    const p5 = popClient(t.url, k5.AccessKey.AccessKeyId, k5.AccessKey.AccessKeySecret);
    expect((await p5.request('DescribeSummaryInfo', {})).Success).toBe(true);
    await expect(popClient(t.url, k5.AccessKey.AccessKeyId, k5.AccessKey.AccessKeySecret, '2015-05-01').request('CreateUser', { UserName: 'mallory' }, { method: 'POST' })).rejects.toMatchObject({
      code: 'NoPermission',
    });
  });
});
