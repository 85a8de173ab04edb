import { describe, expect, it } from 'vitest';
import { SYSTEM_POLICIES } from './system-policies.js';
import type { ParsePolicyResult } from './types.js';
import { MAX_POLICY_DOCUMENT_LENGTH, parsePolicyDocument, type ParsePolicyOptions } from './validate.js';

function errorsOf(text: string, options?: ParsePolicyOptions): string[] {
  const r = parsePolicyDocument(text, options);
  if (r.ok) throw new Error(`expected errors, got a valid document: ${text.slice(0, 200)}`);
  return r.errors.map((e) => e.message);
}

function statement(st: Record<string, unknown>): string {
  return JSON.stringify({ Version: '1', Statement: [st] });
}

const ALLOW_ALL = { Effect: 'Allow', Action: '*', Resource: '*' };

function expectOk(r: ParsePolicyResult): Extract<ParsePolicyResult, { ok: true }> {
  if (!r.ok) throw new Error(r.errors.map((e) => e.message).join('\n'));
  return r;
}

describe('parsePolicyDocument', () => {
  it('normalises strings to lists and keeps conditions', () => {
    const r = expectOk(
      parsePolicyDocument(statement({ ...ALLOW_ALL, Condition: { IpAddress: { 'acs:SourceIp': '10.0.0.0/8' } } })),
    );
    expect(r.document).toEqual({
      Version: '1',
      Statement: [{ Effect: 'Allow', Action: ['*'], Resource: ['*'], Condition: { IpAddress: { 'acs:SourceIp': ['10.0.0.0/8'] } } }],
    });
    expect(r.warnings).toEqual([]);
  });

  it(`refuses a 1 MB document with a size error (limit ${MAX_POLICY_DOCUMENT_LENGTH} characters)`, () => {
    const big = JSON.stringify({ Version: '1', Statement: [{ ...ALLOW_ALL, Action: ['x'.repeat(1 << 20)] }] });
    expect(errorsOf(big)).toEqual([`(document): the policy document has ${big.length} characters; RAM allows at most 6144`]);
  });

  it('refuses deep nesting without overflowing the stack', () => {
    const nested = `${'['.repeat(3000)}${']'.repeat(3000)}`;
    expect(errorsOf(nested)[0]).toMatch(/nesting is deeper than 16 levels/);
    const deepValue = `{"Version":"1","Statement":[{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"Bool":{"acs:MFAPresent":${'['.repeat(2000)}${']'.repeat(2000)}}}}]}`;
    expect(errorsOf(deepValue)[0]).toMatch(/^Statement\[0\]\.Condition\.Bool\["acs:MFAPresent"\](\[0\])+: line 1, column \d+: nesting is deeper than 16 levels$/);
    const tenThousand = `${'['.repeat(10_000)}${']'.repeat(10_000)}`;
    expect(errorsOf(tenThousand)[0]).toMatch(/policy document has 20000 characters/);
  });

  it('reports duplicate keys with the object that holds them', () => {
    expect(errorsOf('{"Version":"1","Statement":[{"Effect":"Allow","Action":"*","Resource":"*","Effect":"Deny"}]}')).toEqual([
      'Statement[0]: line 1, column 75: duplicate key "Effect"',
    ]);
    expect(errorsOf('{"Version":"1","Version":"1","Statement":[]}')).toEqual(['(document): line 1, column 16: duplicate key "Version"']);
  });

  it('reports JSON syntax errors with line and column', () => {
    expect(errorsOf('{"Version":"1",\n "Statement":[}')).toEqual([
      'Statement[0]: line 2, column 15: unexpected character "}"; expected a value',
    ]);
  });

  it('checks the document shape', () => {
    expect(errorsOf('[]')).toEqual(['(document): must be a JSON object {"Version":"1","Statement":[...]}, got a list']);
    expect(errorsOf('{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}')).toEqual([
      'Version: must be the string "1", got "2012-10-17"',
    ]);
    expect(errorsOf('{"Version":1,"Statement":[]}')).toEqual([
      'Version: must be the string "1", got 1',
      'Statement: must contain at least one statement',
    ]);
    expect(errorsOf('{"Statement":{}}')).toEqual(['Version: missing; must be "1"', 'Statement: must be a list of statements, got an object']);
    expect(errorsOf('{"Version":"1","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}],"Id":"x"}')).toEqual([
      'Id: unknown element; allowed: Version, Statement',
    ]);
  });

  it('checks statements: wrong types, unknown elements, Effect, Action/NotAction, Resource/NotResource', () => {
    expect(errorsOf('{"Version":"1","Statement":["Allow"]}')).toEqual(['Statement[0]: a statement must be an object, got a string']);
    expect(errorsOf(statement({ ...ALLOW_ALL, Sid: 'x' }))).toEqual([
      'Statement[0].Sid: unknown element; allowed: Effect, Action, NotAction, Resource, NotResource, Condition',
    ]);
    expect(errorsOf(statement({ ...ALLOW_ALL, action: 'ecs:*' }))).toEqual([
      'Statement[0].action: unknown element; element names are case-sensitive: did you mean Action?',
    ]);
    expect(errorsOf(statement({ ...ALLOW_ALL, Principal: { RAM: ['acs:ram::123:root'] } }))[0]).toMatch(/Principal belongs only in resource-based policies/);
    expect(errorsOf(statement({ ...ALLOW_ALL, Effect: 'allow' }))).toEqual(['Statement[0].Effect: must be "Allow" or "Deny", got "allow"']);
    expect(errorsOf(statement({ Effect: 'Allow', Resource: '*' }))).toEqual(['Statement[0]: needs Action or NotAction']);
    expect(errorsOf(statement({ ...ALLOW_ALL, NotAction: 'ecs:*' }))).toEqual(['Statement[0]: has both Action and NotAction; use exactly one']);
    expect(errorsOf(statement({ ...ALLOW_ALL, NotResource: '*' }))).toEqual(['Statement[0]: has both Resource and NotResource; use exactly one']);
    expect(errorsOf(statement({ ...ALLOW_ALL, Action: [] }))).toEqual(['Statement[0].Action: must not be an empty list']);
    expect(errorsOf(statement({ ...ALLOW_ALL, Action: ['ecs:*', 7] }))).toEqual(['Statement[0].Action[1]: must be a string, got a number']);
    expect(errorsOf(statement({ ...ALLOW_ALL, Action: { a: 1 } }))).toEqual([
      'Statement[0].Action: must be a string or a non-empty list of strings, got an object',
    ]);
    expect(errorsOf(statement({ ...ALLOW_ALL, Action: ['ecs', 'yundun-sas:Describe Vul'] }))).toEqual([
      'Statement[0].Action[0]: "ecs" is not an action; expected "<service>:<ActionName>" or "*"',
      'Statement[0].Action[1]: "yundun-sas:Describe Vul" is not an action; expected "<service>:<ActionName>" or "*"',
    ]);
    expect(errorsOf(statement({ ...ALLOW_ALL, Resource: ['arn:aws:s3:::bucket', 'acs:ecs:*:*', 'acs::cn:1:x'] }))).toEqual([
      'Statement[0].Resource[0]: "arn:aws:s3:::bucket" is not a resource; expected "*" or "acs:<service>:<region>:<account-id>:<relative-id>"',
      'Statement[0].Resource[1]: "acs:ecs:*:*" is not a resource; expected "*" or "acs:<service>:<region>:<account-id>:<relative-id>"',
      'Statement[0].Resource[2]: "acs::cn:1:x" is not a resource; expected "*" or "acs:<service>:<region>:<account-id>:<relative-id>"',
    ]);
  });

  it('accepts the resource ARN forms the docs use', () => {
    for (const r of ['acs:yundun-sas::1234567890:*', 'acs:ecs:*:*:*', 'acs:ecs:*:*:snapshot/*', 'acs:oss:*:*:bucket/dir/a:b']) {
      expectOk(parsePolicyDocument(statement({ ...ALLOW_ALL, Resource: r })));
    }
  });

  it('rejects unknown condition operators, with a hint', () => {
    expect(errorsOf(statement({ ...ALLOW_ALL, Condition: { IPAddress: { 'acs:SourceIp': '10.0.0.1' } } }))).toEqual([
      'Statement[0].Condition.IPAddress: unknown condition operator IPAddress; operator names are case-sensitive: did you mean IpAddress?',
    ]);
    expect(errorsOf(statement({ ...ALLOW_ALL, Condition: { StringEqualsIfExists: { 'acs:UserAgent': 'x' } } }))).toEqual([
      'Statement[0].Condition.StringEqualsIfExists: unknown condition operator StringEqualsIfExists; RAM documents no such operator',
    ]);
    expect(errorsOf(statement({ ...ALLOW_ALL, Condition: { Matches: { 'acs:UserAgent': 'x' } } }))[0]).toMatch(/unknown condition operator Matches; use a String\*/);
  });

  it('rejects bad condition values naming operator, key and position', () => {
    const at = (cond: unknown) => errorsOf(statement({ ...ALLOW_ALL, Condition: cond }));
    expect(errorsOf(JSON.stringify({ Version: '1', Statement: [ALLOW_ALL, ALLOW_ALL, { ...ALLOW_ALL, Condition: { IpAddress: { 'acs:SourceIp': '10.0.0.300' } } }] }))).toEqual([
      'Statement[2].Condition.IpAddress["acs:SourceIp"]: "10.0.0.300" is not an IP address or CIDR (IPv4 or IPv6)',
    ]);
    expect(at({ NotIpAddress: { 'acs:SourceIp': ['10.0.0.0/8', '2001:db8::/129'] } })).toEqual([
      'Statement[0].Condition.NotIpAddress["acs:SourceIp"][1]: "2001:db8::/129" is not an IP address or CIDR (IPv4 or IPv6)',
    ]);
    expect(at({ DateLessThan: { 'acs:CurrentTime': '2026-02-30T00:00:00Z' } })).toEqual([
      'Statement[0].Condition.DateLessThan["acs:CurrentTime"]: "2026-02-30T00:00:00Z" is not a calendar date',
    ]);
    expect(at({ DateLessThan: { 'acs:CurrentTime': 'next week' } })).toEqual([
      'Statement[0].Condition.DateLessThan["acs:CurrentTime"]: "next week" is not an ISO 8601 date (e.g. "2026-01-31T08:00:00Z")',
    ]);
    expect(at({ DateGreaterThan: { 'acs:CurrentTime': 1700000000 } })).toEqual([
      'Statement[0].Condition.DateGreaterThan["acs:CurrentTime"]: 1700000000 is not an ISO 8601 date string',
    ]);
    expect(at({ NumericLessThan: { 'ecs:Count': 'ten' } })).toEqual(['Statement[0].Condition.NumericLessThan["ecs:Count"]: "ten" is not a number']);
    expect(at({ Bool: { 'acs:MFAPresent': 'yes' } })).toEqual(['Statement[0].Condition.Bool["acs:MFAPresent"]: "yes" is not true or false']);
    expect(at({ Bool: { 'acs:MFAPresent': null } })).toEqual([
      'Statement[0].Condition.Bool["acs:MFAPresent"]: a condition value must be a string, number or boolean, got null',
    ]);
    expect(at({ StringEquals: { 'acs:UserAgent': [] } })).toEqual(['Statement[0].Condition.StringEquals["acs:UserAgent"]: must not be an empty list']);
    expect(at({ StringEquals: { UserAgent: 'x' } })).toEqual([
      'Statement[0].Condition.StringEquals.UserAgent: "UserAgent" is not a condition key; expected "<prefix>:<name>"',
    ]);
    expect(at({ Bool: {} })).toEqual(['Statement[0].Condition.Bool: has no condition keys']);
    expect(at(['Bool'])).toEqual(['Statement[0].Condition: must be an object of operators, got a list']);
  });

  it('warns (does not fail) for unknown Security Center actions when the catalog is given', () => {
    const knownActions = new Set(['yundun-sas:DescribeVulList', 'yundun-aegis:OperateVul']);
    const r = expectOk(
      parsePolicyDocument(
        statement({ Effect: 'Allow', Action: ['yundun-sas:DescribeVulLst', 'yundun-sas:describevullist', 'YUNDUN-AEGIS:Operate*', 'yundun-aegis:Handle*', 'ecs:*', 'yundun-sas:*'], Resource: '*' }),
        { knownActions },
      ),
    );
    expect(r.warnings.map((w) => w.message)).toEqual([
      'Statement[0].Action[0]: "yundun-sas:DescribeVulLst" is not a known Security Center action',
      'Statement[0].Action[3]: "yundun-aegis:Handle*" matches no known Security Center action',
    ]);
    expect(expectOk(parsePolicyDocument(statement({ Effect: 'Allow', Action: 'yundun-sas:Nope', Resource: '*' }))).warnings).toEqual([]);
  });

  it('warns about condition keys Vigil never supplies and operator/key type mismatches', () => {
    const r = expectOk(
      parsePolicyDocument(statement({ ...ALLOW_ALL, Condition: { StringEquals: { 'acs:SourceVpc': 'vpc-1' }, IpAddress: { 'acs:MFAPresent': '10.0.0.1' } } })),
    );
    expect(r.warnings.map((w) => w.message)).toEqual([
      'Statement[0].Condition.StringEquals["acs:SourceVpc"]: condition key "acs:SourceVpc" is not supplied by Vigil; requests never carry it',
      'Statement[0].Condition.IpAddress["acs:MFAPresent"]: IpAddress compares ip values but acs:MFAPresent is a bool key',
    ]);
  });

  it('the system policies are valid documents that round-trip through the parser', () => {
    for (const p of SYSTEM_POLICIES) {
      const r = expectOk(parsePolicyDocument(JSON.stringify(p.document)));
      expect(r.document).toEqual(p.document);
    }
  });
});
