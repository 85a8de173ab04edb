/**
 * Property tests over random policy sets and requests (fast-check): the evaluation rules hold
 * whatever the policies say, and the compiled/cached evaluator always equals the reference one.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compilePolicies } from './compile.js';
import { evaluate } from './evaluate.js';
import type { AccessDecision, AccessRequest, AttachedPolicy, ConditionBlock, PolicyStatement } from './types.js';

/** Every action the requests use ("the tested list"). */
const ACTIONS = [
  'yundun-sas:DescribeVulWhitelist', 'yundun-sas:ModifyPushAllTask', 'yundun-sas:ModifyOperateVul', 'yundun-sas:ExportRecord',
  'yundun-aegis:DescribeVulList', 'yundun-aegis:OperateVul', 'yundun-aegis:ModifyOperateVul', 'yundun-aegis:GetFileProtectEvent',
  'ecs:RebootInstance', 'ecs:CreateSnapshot', 'ram:CreateUser',
];
const REQUEST_ACTIONS: string[][] = [
  ...ACTIONS.map((a) => [a]),
  ['yundun-sas:ModifyOperateVul', 'yundun-aegis:ModifyOperateVul'],
  ['YUNDUN-SAS:describevulwhitelist'],
];
const ACTION_PATTERNS = [
  ...ACTIONS, '*', '*', 'yundun-sas:*', 'yundun-sas:Describe*', 'yundun-aegis:*Vul*', '*:Get*', 'YUNDUN-SAS:modify?ushalltask',
  'ecs:*', 'ecs:Reboot???????', 'yundun-*:Modify*', '*Operate*',
];
const RESOURCE_PATTERNS = ['*', 'acs:yundun-sas:*:*:*', 'acs:yundun-sas::123:*', 'acs:ecs:*:*:instance/*', 'acs:ecs:*:*:*', 'acs:*:*:123:*'];
const RESOURCES = ['acs:yundun-sas::123:*', 'acs:yundun-sas:cn-hangzhou:123:*', 'acs:ecs:cn-hangzhou:123:instance/i-1', 'acs:ecs:cn-hangzhou:456:snapshot/s-1'];
const T = '2026-03-01T00:00:00Z';
const T_MS = Date.parse(T);
const CONDITIONS: ConditionBlock[] = [
  { IpAddress: { 'acs:SourceIp': ['10.0.0.0/8', '2001:db8::/32'] } },
  { NotIpAddress: { 'acs:SourceIp': ['10.1.0.0/16', '::ffff:192.168.0.0/112'] } },
  { Bool: { 'acs:MFAPresent': ['true'] } },
  { Bool: { 'acs:SecureTransport': [false] } },
  { DateLessThan: { 'acs:CurrentTime': [T] } },
  { DateGreaterThanEquals: { 'acs:CurrentTime': ['2026-03-01T08:00:00+08:00'] }, Bool: { 'acs:MFAPresent': [true] } },
  { DateEquals: { 'acs:CurrentTime': [T, '2027-01-01'] } },
  { DateNotEquals: { 'acs:CurrentTime': [T] } },
  { StringLike: { 'acs:UserAgent': ['AlibabaCloud*', '*cli*'] } },
  { StringNotEqualsIgnoreCase: { 'ACS:USERAGENT': ['curl/8.0'] } },
  { NumericLessThan: { 'vigil:Count': [5] } },
];

const statementArb: fc.Arbitrary<PolicyStatement> = fc
  .record({
    effect: fc.constantFrom<'Allow' | 'Deny'>('Allow', 'Allow', 'Deny'),
    actions: fc.subarray(ACTION_PATTERNS, { minLength: 1, maxLength: 3 }),
    notActionFlag: fc.integer({ min: 0, max: 9 }),
    resources: fc.subarray(RESOURCE_PATTERNS, { minLength: 1, maxLength: 2 }),
    notResourceFlag: fc.integer({ min: 0, max: 9 }),
    condition: fc.option(fc.constantFrom(...CONDITIONS), { nil: undefined }),
  })
  .map((r) => {
    const st: PolicyStatement = { Effect: r.effect };
    if (r.notActionFlag === 0) st.NotAction = r.actions;
    else st.Action = r.actions;
    if (r.notResourceFlag === 0) st.NotResource = r.resources;
    else st.Resource = r.resources;
    if (r.condition) st.Condition = r.condition;
    return st;
  });

const policiesArb: fc.Arbitrary<AttachedPolicy[]> = fc
  .array(fc.array(statementArb, { minLength: 1, maxLength: 5 }), { minLength: 1, maxLength: 4 })
  .map((docs) => docs.map((Statement, i) => ({ name: `p${i}`, type: i === 0 ? 'System' : 'Custom', document: { Version: '1', Statement } })));

const TIME_ARB = fc.constantFrom<string | number>(
  T, T_MS, T_MS - 1, T_MS + 1, '2026-03-01T08:00:00+08:00', '2026-02-28T23:59:59.999Z', '2027-01-01T00:00:00Z', '2028-05-05', 'soon',
);

const requestArb: fc.Arbitrary<AccessRequest> = fc.record({
  actions: fc.constantFrom(...REQUEST_ACTIONS),
  resource: fc.constantFrom(...RESOURCES),
  context: fc.record(
    {
      'acs:SourceIp': fc.constantFrom('10.1.2.3', '10.2.0.1', '192.168.1.1', '::ffff:10.1.2.3', '2001:db8::5', '203.0.113.9', 'garbage'),
      'acs:CurrentTime': TIME_ARB,
      'acs:MFAPresent': fc.boolean(),
      'Acs:SecureTransport': fc.constantFrom<boolean | string>(true, false, 'false'),
      'acs:UserAgent': fc.constantFrom('AlibabaCloud (linux)', 'vigil-cli/1.0', 'curl/8.0', 'CURL/8.0'),
      'vigil:Count': fc.constantFrom<number | string>(1, 5, '4.5', 'many'),
    },
    { requiredKeys: [] },
  ),
});

function signature(d: AccessDecision, policies: AttachedPolicy[]): { decision: string; statements: string[] } {
  const statements = d.matched
    .map((m) => `${m.policyName}:${JSON.stringify(policies[m.policyIndex]?.document.Statement[m.statementIndex])}`)
    .sort();
  return { decision: d.decision, statements };
}

function shuffle<T>(xs: readonly T[], keys: readonly number[]): T[] {
  return xs
    .map((x, i) => ({ x, k: keys[i % Math.max(1, keys.length)] ?? 0, i }))
    .sort((a, b) => a.k - b.k || a.i - b.i)
    .map((e) => e.x);
}

describe('evaluation properties', () => {
  it('cached compiled = uncached compiled = reference, over request sequences with repeats', () => {
    // Steps replay earlier requests, sometimes with only the time changed, so cache keys collide
    // on everything but acs:CurrentTime (the case the time bucketing must get right).
    const step = fc.record({ i: fc.nat({ max: 11 }), time: fc.option(TIME_ARB, { nil: undefined }) });
    fc.assert(
      fc.property(policiesArb, fc.array(requestArb, { minLength: 1, maxLength: 12 }), fc.array(step, { maxLength: 40 }), (policies, requests, steps) => {
        const cached = compilePolicies(policies, { cacheSize: 8 });
        const uncached = compilePolicies(policies, { cacheSize: 0 });
        const sequence = [...requests, ...steps.map(({ i, time }) => {
          const r = requests[i % requests.length] as AccessRequest;
          return time === undefined ? r : { ...r, context: { ...r.context, 'acs:CurrentTime': time } };
        })];
        for (const r of sequence) {
          const ref = evaluate(r, policies);
          expect(uncached.evaluate(r)).toEqual(ref);
          expect(cached.evaluate(r)).toEqual(ref);
        }
      }),
      { numRuns: 400 },
    );
  });

  it('adding a Deny never turns a decision into Allow; a matching Deny always gives ExplicitDeny', () => {
    fc.assert(
      fc.property(policiesArb, statementArb, requestArb, (policies, extra, r) => {
        const before = evaluate(r, policies).decision;
        const deny: PolicyStatement = { ...extra, Effect: 'Deny' };
        const withDeny: AttachedPolicy[] = [...policies, { name: 'deny', type: 'Custom', document: { Version: '1', Statement: [deny] } }];
        const after = evaluate(r, withDeny).decision;
        if (after === 'Allow') expect(before).toBe('Allow');
        if (before === 'ExplicitDeny') expect(after).toBe('ExplicitDeny');
        const matching: AttachedPolicy = {
          name: 'm', type: 'Custom',
          document: { Version: '1', Statement: [{ Effect: 'Deny', Action: [r.actions[0] ?? ''], Resource: ['*'] }] },
        };
        expect(evaluate(r, [...policies, matching]).decision).toBe('ExplicitDeny');
        expect(compilePolicies([matching, ...policies]).evaluate(r).decision).toBe('ExplicitDeny');
      }),
      { numRuns: 400 },
    );
  });

  it('statement order never matters', () => {
    fc.assert(
      fc.property(policiesArb, requestArb, fc.array(fc.integer(), { minLength: 1, maxLength: 8 }), (policies, r, keys) => {
        const shuffled = policies.map((p) => ({ ...p, document: { ...p.document, Statement: shuffle(p.document.Statement, keys) } }));
        expect(signature(evaluate(r, shuffled), shuffled)).toEqual(signature(evaluate(r, policies), policies));
        expect(signature(compilePolicies(shuffled).evaluate(r), shuffled)).toEqual(signature(evaluate(r, policies), policies));
      }),
      { numRuns: 400 },
    );
  });

  it('policy order never matters', () => {
    fc.assert(
      fc.property(policiesArb, requestArb, fc.array(fc.integer(), { minLength: 1, maxLength: 4 }), (policies, r, keys) => {
        const shuffled = shuffle(policies, keys);
        expect(signature(evaluate(r, shuffled), shuffled)).toEqual(signature(evaluate(r, policies), policies));
        expect(signature(compilePolicies(shuffled).evaluate(r), shuffled)).toEqual(signature(evaluate(r, policies), policies));
      }),
      { numRuns: 400 },
    );
  });

  it('"*" in Action/NotAction equals listing every action of the tested list', () => {
    const expand = (list: string[] | undefined) => (list ? list.flatMap((a) => (a === '*' ? ACTIONS : [a])) : undefined);
    fc.assert(
      fc.property(policiesArb, requestArb, (policies, r) => {
        fc.pre(r.actions.every((a) => ACTIONS.includes(a)));
        const expanded = policies.map((p) => ({
          ...p,
          document: {
            ...p.document,
            Statement: p.document.Statement.map((st) => {
              const out: PolicyStatement = { ...st };
              if (st.Action) out.Action = expand(st.Action);
              if (st.NotAction) out.NotAction = expand(st.NotAction);
              return out;
            }),
          },
        }));
        expect(evaluate(r, expanded)).toEqual(evaluate(r, policies));
      }),
      { numRuns: 400 },
    );
  });
});
