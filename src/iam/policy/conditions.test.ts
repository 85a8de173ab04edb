import { describe, expect, it } from 'vitest';
import { clauseHolds, compileClause } from './conditions.js';
import { evaluate } from './evaluate.js';
import type { AttachedPolicy, ConditionBlock, ConditionOperator, ConditionScalar, ContextScalar } from './types.js';

type Row = [ContextScalar | undefined, boolean];

function check(op: ConditionOperator, values: ConditionScalar[], rows: Row[]): void {
  const clause = compileClause(op, 'acs:Key', values);
  for (const [ctx, expected] of rows) {
    expect(clauseHolds(clause, ctx), `${op} ${JSON.stringify(values)} vs ${JSON.stringify(ctx)}`).toBe(expected);
  }
}

describe('condition operators', () => {
  it('StringEquals / StringNotEquals are case-sensitive; values OR; NotEquals means "none of them"', () => {
    check('StringEquals', ['vigil-cli', 'console'], [['vigil-cli', true], ['console', true], ['Console', false], ['x', false], [undefined, false]]);
    check('StringNotEquals', ['vigil-cli', 'console'], [['vigil-cli', false], ['console', false], ['Console', true], ['x', true], [undefined, true]]);
    check('StringEquals', ['true'], [[true, true], [false, false]]);
    check('StringEquals', [42], [['42', true], [42, true], ['042', false]]);
  });

  it('StringEqualsIgnoreCase / StringNotEqualsIgnoreCase', () => {
    check('StringEqualsIgnoreCase', ['AlibabaCloud'], [['alibabacloud', true], ['ALIBABACLOUD', true], ['alibaba', false], [undefined, false]]);
    check('StringNotEqualsIgnoreCase', ['AlibabaCloud'], [['alibabacloud', false], ['curl', true], [undefined, true]]);
  });

  it('StringLike / StringNotLike use * and ? and stay case-sensitive', () => {
    check('StringLike', ['AlibabaCloud*', '?url/*'], [
      ['AlibabaCloud (linux)', true], ['AlibabaCloud', true], ['curl/8.0', true], ['xcurl/8', false],
      ['alibabacloud (linux)', false], [undefined, false],
    ]);
    check('StringNotLike', ['AlibabaCloud*'], [['AlibabaCloud (linux)', false], ['curl/8.0', true], [undefined, true]]);
    check('StringEquals', ['Alibaba*'], [['AlibabaCloud', false], ['Alibaba*', true]]); // no wildcards outside *Like
  });

  it('Numeric operators compare numbers and numeric strings', () => {
    const rows = (lt: boolean, le: boolean, eq: boolean, ge: boolean, gt: boolean) => ({ lt, le, eq, ge, gt });
    const table: [ContextScalar, ReturnType<typeof rows>][] = [
      [5, rows(true, true, false, false, false)],
      [10, rows(false, true, true, true, false)],
      ['10.0', rows(false, true, true, true, false)],
      [15, rows(false, false, false, true, true)],
    ];
    for (const [ctx, r] of table) {
      check('NumericLessThan', ['10'], [[ctx, r.lt]]);
      check('NumericLessThanEquals', [10], [[ctx, r.le]]);
      check('NumericEquals', [10], [[ctx, r.eq]]);
      check('NumericNotEquals', [10], [[ctx, !r.eq]]);
      check('NumericGreaterThanEquals', [10], [[ctx, r.ge]]);
      check('NumericGreaterThan', ['1e1'], [[ctx, r.gt]]);
    }
    check('NumericEquals', [10], [['ten', false], [true, false], [undefined, false]]);
    check('NumericNotEquals', [10], [['ten', true], [undefined, true]]);
  });

  it('Date operators compare instants across time zones; context may be ISO text or epoch ms', () => {
    const t = '2026-01-01T08:00:00+08:00'; // = 2026-01-01T00:00:00Z
    const before = '2025-12-31T23:59:59Z';
    const same = '2026-01-01T00:00:00.000Z';
    const after = Date.UTC(2026, 0, 1, 0, 0, 1);
    check('DateEquals', [t], [[same, true], [before, false], [after, false], [undefined, false]]);
    check('DateNotEquals', [t], [[same, false], [before, true], [undefined, true]]);
    check('DateLessThan', [t], [[before, true], [same, false], [after, false]]);
    check('DateLessThanEquals', [t], [[before, true], [same, true], [after, false]]);
    check('DateGreaterThan', [t], [[before, false], [same, false], [after, true]]);
    check('DateGreaterThanEquals', [t], [[before, false], [same, true], [after, true], ['not a date', false]]);
  });

  it('Bool accepts true/false in either JSON form; a missing key is not true', () => {
    check('Bool', ['true'], [[true, true], [false, false], ['TRUE', true], ['yes', false], [undefined, false]]);
    check('Bool', [false], [[false, true], [true, false], [undefined, false]]);
  });

  it('IpAddress / NotIpAddress with plain IPs and CIDRs, v4 and v6, mapped v4', () => {
    const allow = ['10.0.0.0/8', '192.0.2.7', '2001:db8::/32', 'fe80::1'];
    check('IpAddress', allow, [
      ['10.200.1.1', true], ['192.0.2.7', true], ['192.0.2.8', false], ['2001:db8:1::5', true], ['2001:db9::1', false],
      ['fe80::1', true], ['fe80:0:0:0:0:0:0:1', true], ['::ffff:10.1.1.1', true], ['not-an-ip', false], [undefined, false],
    ]);
    check('NotIpAddress', allow, [['10.200.1.1', false], ['203.0.113.1', true], ['2001:db8::1', false], ['not-an-ip', true], [undefined, true]]);
    check('IpAddress', ['2001:db8:abcd:1200::/56'], [['2001:db8:abcd:12ff::1', true], ['2001:db8:abcd:1300::', false]]);
  });

  it('refuses to compile values that validation rejects', () => {
    expect(() => compileClause('IpAddress', 'acs:SourceIp', ['10.0.0.300'])).toThrow(/validate it first/);
  });
});

describe('conditions inside statements', () => {
  const policy = (condition: ConditionBlock): AttachedPolicy[] => [
    { name: 'p', type: 'Custom', document: { Version: '1', Statement: [{ Effect: 'Allow', Action: ['ecs:*'], Resource: ['*'], Condition: condition }] } },
  ];
  const decide = (condition: ConditionBlock, context: Record<string, ContextScalar>) =>
    evaluate({ actions: ['ecs:RebootInstance'], resource: '*', context }, policy(condition)).decision;

  it('condition key names are case-insensitive on both sides', () => {
    const cond: ConditionBlock = { IpAddress: { 'ACS:SOURCEIP': ['10.0.0.0/8'] } };
    expect(decide(cond, { 'acs:SourceIp': '10.1.1.1' })).toBe('Allow');
    expect(decide(cond, { 'Acs:sourceip': '10.1.1.1' })).toBe('Allow');
    expect(decide(cond, { 'acs:SourceIp': '11.1.1.1' })).toBe('ImplicitDeny');
  });

  it('operators AND, keys within an operator AND, values OR', () => {
    const cond: ConditionBlock = {
      IpAddress: { 'acs:SourceIp': ['10.0.0.0/8', '192.168.0.0/16'] },
      Bool: { 'acs:MFAPresent': [true], 'acs:SecureTransport': [true] },
    };
    const ok = { 'acs:SourceIp': '192.168.3.4', 'acs:MFAPresent': true, 'acs:SecureTransport': true };
    expect(decide(cond, ok)).toBe('Allow');
    expect(decide(cond, { ...ok, 'acs:SourceIp': '8.8.8.8' })).toBe('ImplicitDeny');
    expect(decide(cond, { ...ok, 'acs:MFAPresent': false })).toBe('ImplicitDeny');
    expect(decide(cond, { ...ok, 'acs:SecureTransport': false })).toBe('ImplicitDeny');
  });
});
