import { Agent } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { popClient } from '../helpers/sdk.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

const P1 =
  '{"Version":"1","Statement":[{"Action":["yundun-sas:DescribeCloudCenterInstances","yundun-sas:DescribeFieldStatistics","yundun-sas:DescribeCriteria"],"Resource":"*","Effect":"Allow"}]}';
const SUMMARY_ONLY_FROM_127_0_0_1 = JSON.stringify({
  Version: '1',
  Statement: [{ Effect: 'Allow', Action: 'yundun-sas:DescribeSummaryInfo', Resource: '*', Condition: { IpAddress: { 'acs:SourceIp': '127.0.0.1/32' } } }],
});

let t: TestServer;

describe.each(['sqlite', 'postgres'] as const)('RAM through the real SDK on %s', (dialect) => {
  beforeAll(async () => {
    t = await startTestServer({ dialect });
  });
  afterAll(async () => {
    await t?.close();
  });

  const root = () => popClient(t.url, t.rootKey.id, t.rootKey.secret, '2015-05-01');

  it('manages users, groups, policies and versions with RAM 2015-05-01 names', async () => {
    const r = root();
    const u = (await r.request('CreateUser', { UserName: 'alice', DisplayName: 'Alice' }, { method: 'POST' })) as { User: { UserName: string; MFAEnabled: boolean } };
    expect(u.User).toMatchObject({ UserName: 'alice', MFAEnabled: false });
    await expect(r.request('CreateUser', { UserName: 'alice' }, { method: 'POST' })).rejects.toMatchObject({ code: 'EntityAlreadyExists.User' });
    await expect(r.request('CreateLoginProfile', { UserName: 'alice', Password: 'ecila123' }, { method: 'POST' })).rejects.toMatchObject({ code: 'InvalidParameter.Password' });
    await expect(r.request('CreateLoginProfile', { UserName: 'alice', Password: 'Admin@123' }, { method: 'POST' })).rejects.toMatchObject({ code: 'InvalidParameter.Password' });
    await r.request('CreateLoginProfile', { UserName: 'alice', Password: 'Kx9#mPq2vLw7' }, { method: 'POST' });

    await r.request('CreateGroup', { GroupName: 'ops', Comments: 'operations' }, { method: 'POST' });
    await r.request('AddUserToGroup', { GroupName: 'ops', UserName: 'alice' }, { method: 'POST' });
    const groups = (await r.request('ListGroupsForUser', { UserName: 'alice' })) as { Groups: { Group: Array<{ GroupName: string }> } };
    expect(groups.Groups.Group.map((g) => g.GroupName)).toEqual(['ops']);

    const created = (await r.request('CreatePolicy', { PolicyName: 'asset-ro', PolicyDocument: P1, Description: 'P1' }, { method: 'POST' })) as { Policy: { DefaultVersion: string } };
    expect(created.Policy.DefaultVersion).toBe('v1');
    await expect(
      r.request('CreatePolicy', { PolicyName: 'bad', PolicyDocument: '{"Version":"1","Statement":[{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"IpAddress":{"acs:SourceIp":"10.0.0.300"}}}]}' }, { method: 'POST' }),
    ).rejects.toMatchObject({ code: 'MalformedPolicyDocument', message: expect.stringContaining('"10.0.0.300"') });
    await expect(r.request('GetPolicy', { PolicyName: 'bad', PolicyType: 'Custom' })).rejects.toMatchObject({ code: 'EntityNotExist.Policy' });

    for (let i = 2; i <= 5; i++) await r.request('CreatePolicyVersion', { PolicyName: 'asset-ro', PolicyDocument: P1 }, { method: 'POST' });
    await expect(r.request('CreatePolicyVersion', { PolicyName: 'asset-ro', PolicyDocument: P1 }, { method: 'POST' })).rejects.toMatchObject({ code: 'LimitExceeded.Policy.Version' });
    const rotated = (await r.request('CreatePolicyVersion', { PolicyName: 'asset-ro', PolicyDocument: P1, SetAsDefault: true, RotateStrategy: 'DeleteOldestNonDefaultVersionWhenLimitExceeded' }, { method: 'POST' })) as {
      PolicyVersion: { VersionId: string; IsDefaultVersion: boolean };
    };
    expect(rotated.PolicyVersion).toMatchObject({ VersionId: 'v6', IsDefaultVersion: true });
    const versions = (await r.request('ListPolicyVersions', { PolicyName: 'asset-ro' })) as { PolicyVersions: { PolicyVersion: Array<{ VersionId: string }> } };
    expect(versions.PolicyVersions.PolicyVersion.map((v) => v.VersionId)).toEqual(['v1', 'v3', 'v4', 'v5', 'v6']);
    await r.request('SetDefaultPolicyVersion', { PolicyName: 'asset-ro', VersionId: 'v1' }, { method: 'POST' });

    await r.request('AttachPolicyToGroup', { PolicyType: 'Custom', PolicyName: 'asset-ro', GroupName: 'ops' }, { method: 'POST' });
    await r.request('AttachPolicyToUser', { PolicyType: 'System', PolicyName: 'AliyunYundunSASReadOnlyAccess', UserName: 'alice' }, { method: 'POST' });
    const forUser = (await r.request('ListPoliciesForUser', { UserName: 'alice' })) as { Policies: { Policy: Array<{ PolicyName: string; PolicyType: string }> } };
    expect(forUser.Policies.Policy).toEqual([expect.objectContaining({ PolicyName: 'AliyunYundunSASReadOnlyAccess', PolicyType: 'System' })]);
    await expect(r.request('DeletePolicy', { PolicyName: 'asset-ro' }, { method: 'POST' })).rejects.toMatchObject({ code: 'DeleteConflict.Policy.User' });
    await r.request('DetachPolicyFromUser', { PolicyType: 'System', PolicyName: 'AliyunYundunSASReadOnlyAccess', UserName: 'alice' }, { method: 'POST' });
    const all = (await r.request('ListPolicies', {})) as { Policies: { Policy: Array<{ PolicyName: string; AttachmentCount: number }> } };
    expect(all.Policies.Policy.find((p) => p.PolicyName === 'asset-ro')?.AttachmentCount).toBe(1);
    expect(all.Policies.Policy.map((p) => p.PolicyName)).toEqual(expect.arrayContaining(['AliyunYundunSASFullAccess', 'AliyunYundunSASReadOnlyAccess', 'asset-ro']));
  });

  it("a RAM user's AccessKey: allowed action succeeds, denied action is NoPermission with AccessDeniedDetail and is audited", async () => {
    const r = root();
    const key = (await r.request('CreateAccessKey', { UserName: 'alice' }, { method: 'POST' })) as { AccessKey: { AccessKeyId: string; AccessKeySecret: string } };
    const alice = popClient(t.url, key.AccessKey.AccessKeyId, key.AccessKey.AccessKeySecret);
    let err: { code?: string; data?: { AccessDeniedDetail?: Record<string, string> } } = {};
    try {
      await alice.request('DescribeSummaryInfo', {});
    } catch (e) {
      err = e as typeof err;
    }
    expect(err.code).toBe('NoPermission');
    expect(err.data?.AccessDeniedDetail).toMatchObject({ AuthAction: 'yundun-sas:DescribeSummaryInfo', AuthPrincipalType: 'SubUser', AuthPrincipalDisplayName: 'alice', NoPermissionType: 'ImplicitDeny' });
    await expect(popClient(t.url, key.AccessKey.AccessKeyId, key.AccessKey.AccessKeySecret, '2015-05-01').request('ListUsers', {})).rejects.toMatchObject({ code: 'NoPermission' });

    await r.request('CreatePolicy', { PolicyName: 'summary-loopback-1', PolicyDocument: SUMMARY_ONLY_FROM_127_0_0_1 }, { method: 'POST' });
    await r.request('AttachPolicyToUser', { PolicyType: 'Custom', PolicyName: 'summary-loopback-1', UserName: 'alice' }, { method: 'POST' });
    expect((await alice.request('DescribeSummaryInfo', {})).Success).toBe(true);

    // The same key from source address 127.0.0.2 (acs:SourceIp is the TCP peer) is refused.
    const from2 = new Agent({ localAddress: '127.0.0.2', keepAlive: false });
    await expect(alice.request('DescribeSummaryInfo', {}, { agent: from2 })).rejects.toMatchObject({ code: 'NoPermission' });
    const from1 = new Agent({ localAddress: '127.0.0.1', keepAlive: false });
    expect((await alice.request('DescribeSummaryInfo', {}, { agent: from1 })).Success).toBe(true);

    // An explicit Deny wins over the Allow.
    await r.request('CreatePolicy', { PolicyName: 'deny-summary', PolicyDocument: '{"Version":"1","Statement":[{"Effect":"Deny","Action":"yundun-sas:Describe*","Resource":"*"}]}' }, { method: 'POST' });
    await r.request('AttachPolicyToGroup', { PolicyType: 'Custom', PolicyName: 'deny-summary', GroupName: 'ops' }, { method: 'POST' });
    let denied: { code?: string; data?: { AccessDeniedDetail?: Record<string, string> } } = {};
    try {
      await alice.request('DescribeSummaryInfo', {});
    } catch (e) {
      denied = e as typeof denied;
    }
    expect(denied.data?.AccessDeniedDetail?.NoPermissionType).toBe('ExplicitDeny');

    await t.server.services.audit.flush();
    const trail = (await popClient(t.url, t.rootKey.id, t.rootKey.secret).request('LookupEvents', { LookupAttribute: [{ Key: 'UserName', Value: 'alice' }], MaxResults: 50 })) as {
      Events: Array<{ errorCode?: string; additionalEventData: { Decision: string } }>;
    };
    expect(trail.Events.some((e) => e.errorCode === 'NoPermission' && e.additionalEventData.Decision === 'ExplicitDeny')).toBe(true);
    expect(trail.Events.some((e) => e.errorCode === 'NoPermission' && e.additionalEventData.Decision === 'ImplicitDeny')).toBe(true);
  });

  it('simulates custom and principal policies with the gateway evaluator', async () => {
    const r = root();
    const p5 = JSON.stringify({
      Version: '1',
      Statement: [{ Action: 'ecs:RebootInstance', Effect: 'Allow', Resource: '*', Condition: { Bool: { 'acs:MFAPresent': 'true' } } }],
    });
    const sim = (await r.request(
      'SimulateCustomPolicy',
      { PolicyDocuments: JSON.stringify([p5]), ActionNames: JSON.stringify(['ecs:RebootInstance']), ContextEntries: JSON.stringify({ 'acs:MFAPresent': 'true' }) },
      { method: 'POST' },
    )) as { EvaluationResults: Array<{ Decision: string; MatchedStatements: Array<{ PolicyIndex: number; StatementIndex: number }> }> };
    expect(sim.EvaluationResults[0]).toMatchObject({ Decision: 'Allow', MatchedStatements: [{ PolicyIndex: 0, StatementIndex: 0 }] });
    const noMfa = (await r.request('SimulateCustomPolicy', { PolicyDocuments: JSON.stringify([p5]), ActionNames: JSON.stringify(['ecs:RebootInstance']) }, { method: 'POST' })) as {
      EvaluationResults: Array<{ Decision: string }>;
    };
    expect(noMfa.EvaluationResults[0]?.Decision).toBe('ImplicitDeny');
    const actions = JSON.stringify(['yundun-sas:DescribeCloudCenterInstances', 'yundun-sas:DescribeSummaryInfo', 'yundun-sas:ExportRecord']);
    const simulateAlice = async (ip: string) =>
      (
        (await r.request('SimulatePrincipalPolicy', { UserName: 'alice', ActionNames: actions, ContextEntries: JSON.stringify({ 'acs:SourceIp': ip }) }, { method: 'POST' })) as {
          EvaluationResults: Array<{ Decision: string }>;
        }
      ).EvaluationResults.map((e) => e.Decision);
    // The group's Deny on Describe* overrides both Allows.
    expect(await simulateAlice('127.0.0.1')).toEqual(['ExplicitDeny', 'ExplicitDeny', 'ImplicitDeny']);
    await r.request('DetachPolicyFromGroup', { PolicyType: 'Custom', PolicyName: 'deny-summary', GroupName: 'ops' }, { method: 'POST' });
    expect(await simulateAlice('127.0.0.1')).toEqual(['Allow', 'Allow', 'ImplicitDeny']);
    expect(await simulateAlice('127.0.0.2')).toEqual(['Allow', 'ImplicitDeny', 'ImplicitDeny']);
    await expect(r.request('SimulateCustomPolicy', { PolicyDocuments: '[{"Version":"2"}]', ActionNames: '["a:b"]' }, { method: 'POST' })).rejects.toMatchObject({ code: 'MalformedPolicyDocument' });
  });

  it('refuses bad policy input and stores nothing', async () => {
    const r = root();
    const bad = [
      'x'.repeat(1_000_000),
      '['.repeat(10_000),
      '{"Version":"1","Statement":"nope"}',
      '{"Version":"1","Version":"1","Statement":[]}',
      '{"Version":"1","Statement":[{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"StringBogus":{"acs:UserAgent":"x"}}}]}',
    ];
    for (const [i, doc] of bad.entries()) {
      await expect(r.request('CreatePolicy', { PolicyName: `bad-${i}`, PolicyDocument: doc }, { method: 'POST' })).rejects.toMatchObject({ code: 'MalformedPolicyDocument' });
    }
    const list = (await r.request('ListPolicies', { PolicyType: 'Custom' })) as { Policies: { Policy: Array<{ PolicyName: string }> } };
    expect(list.Policies.Policy.some((p) => p.PolicyName.startsWith('bad-'))).toBe(false);
    const warned = (await r.request('CreatePolicy', { PolicyName: 'warned', PolicyDocument: '{"Version":"1","Statement":[{"Effect":"Allow","Action":["yundun-sas:NoSuchAction","ecs:*"],"Resource":"*"}]}' }, { method: 'POST' })) as {
      Warnings?: Array<{ Message: string }>;
    };
    expect(warned.Warnings?.length).toBe(1);
  });

  it('deletes a user with its keys and memberships', async () => {
    const r = root();
    await r.request('DeleteUser', { UserName: 'alice' }, { method: 'POST' });
    await expect(r.request('GetUser', { UserName: 'alice' })).rejects.toMatchObject({ code: 'EntityNotExist.User' });
    const members = (await r.request('ListUsersForGroup', { GroupName: 'ops' })) as { Users: { User: unknown[] } };
    expect(members.Users.User).toEqual([]);
    // Sas DeleteGroup (asset groups) and RAM DeleteGroup share a name: the RAM version picks RAM's.
    await r.request('DeleteGroup', { GroupName: 'ops' }, { method: 'POST' });
    const groups = (await r.request('ListGroups', {})) as { Groups: { Group: unknown[] } };
    expect(groups.Groups.Group).toEqual([]);
  });
});
