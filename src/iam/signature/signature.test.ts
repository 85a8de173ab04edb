import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import OpenApiUtilModule from '@alicloud/openapi-util';

// CommonJS compiled from TS: Node's ESM loader puts the class on `.default` of the default
// import, vitest's interop unwraps it once already.
type Util = typeof OpenApiUtilModule.default;
const OpenApiUtil: Util = 'getRPCSignature' in OpenApiUtilModule ? (OpenApiUtilModule as unknown as Util) : OpenApiUtilModule.default;
import { parsePairs, percentEncode } from './encoding.js';
import { signV1, stringToSignV1 } from './v1.js';
import { canonicalRequestV3, EMPTY_BODY_SHA256, parseV3Authorization, signV3 } from './v3.js';

const docParams = {
  AccessKeyId: 'testid',
  Action: 'DescribeRegions',
  Format: 'XML',
  SignatureMethod: 'HMAC-SHA1',
  SignatureNonce: '3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf',
  SignatureVersion: '1.0',
  Timestamp: '2016-02-23T12:46:24Z',
  Version: '2014-05-26',
};

describe('POP signature v1 (HMAC-SHA1)', () => {
  it('reproduces the published documentation vector', () => {
    expect(stringToSignV1('GET', docParams)).toBe(
      'GET&%2F&AccessKeyId%3Dtestid%26Action%3DDescribeRegions%26Format%3DXML%26SignatureMethod%3DHMAC-SHA1%26SignatureNonce%3D3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf%26SignatureVersion%3D1.0%26Timestamp%3D2016-02-23T12%253A46%253A24Z%26Version%3D2014-05-26',
    );
    expect(signV1('GET', docParams, 'testsecret')).toBe('OLeaidS1JvxuMvnyHOwuJ+uX5qY=');
    expect(signV1('POST', docParams, 'testsecret')).toBe('MxbnVAM4w6sft9xjVpe/GCKueuk=');
  });

  it('reproduces the SDK unit-test vector (the SDK test signs with an empty method)', () => {
    expect(signV1('', { test: 'ok' }, 'accessKeySecret')).toBe('jHx/oHoHNrbVfhncHEvPdHXZwHU=');
  });

  it('agrees with @alicloud/openapi-util on arbitrary params, and any single-byte change breaks it', () => {
    const key = fc.stringMatching(/^[A-Za-z][A-Za-z0-9._-]{0,15}$/);
    fc.assert(
      fc.property(fc.dictionary(key, fc.string({ unit: 'grapheme', maxLength: 24 }), { minKeys: 1, maxKeys: 8 }), fc.nat(), (params, pick) => {
        const theirs = OpenApiUtil.getRPCSignature({ ...params }, 'GET', 'sk');
        expect(signV1('GET', params, 'sk')).toBe(theirs);
        const keys = Object.keys(params);
        const k = keys[pick % keys.length] as string;
        const v = params[k] as string;
        const cps = Array.from(v);
        const last = cps.pop();
        const changed = cps.join('') + (last === 'x' ? 'y' : 'x');
        expect(signV1('GET', { ...params, [k]: changed }, 'sk')).not.toBe(theirs);
      }),
      { numRuns: 300 },
    );
  });
});

describe('ACS3-HMAC-SHA256 (v3)', () => {
  it('reproduces the published RunInstances vector', () => {
    const headers = new Map<string, string[]>([
      ['host', ['ecs.cn-shanghai.aliyuncs.com']],
      ['x-acs-action', ['RunInstances']],
      ['x-acs-version', ['2014-05-26']],
      ['x-acs-date', ['2023-10-26T10:22:32Z']],
      ['x-acs-signature-nonce', ['3156853299f313e23d1673dc12e1703d']],
      ['x-acs-content-sha256', [EMPTY_BODY_SHA256]],
    ]);
    const canonical = canonicalRequestV3({
      method: 'POST',
      path: '/',
      query: [
        ['ImageId', 'win2019_1809_x64_dtc_zh-cn_40G_alibase_20230811.vhd'],
        ['RegionId', 'cn-shanghai'],
      ],
      headers,
      signedHeaders: ['host', 'x-acs-action', 'x-acs-content-sha256', 'x-acs-date', 'x-acs-signature-nonce', 'x-acs-version'],
      bodySha256Hex: EMPTY_BODY_SHA256,
    });
    expect(createHash('sha256').update(canonical).digest('hex')).toBe('7ea06492da5221eba5297e897ce16e55f964061054b7695beedaac1145b1e259');
    expect(signV3(canonical, 'YourAccessKeySecret')).toBe('06563a9e1b43f5dfe96b81484da74bceab24a1d853912eee15083a6f0f3283c0');
  });

  it('parses Authorization headers and refuses malformed ones', () => {
    const a = parseV3Authorization('ACS3-HMAC-SHA256 Credential=AK1,SignedHeaders=host;x-acs-date,Signature=' + 'ab'.repeat(32));
    expect(a).toEqual({ accessKeyId: 'AK1', signedHeaders: ['host', 'x-acs-date'], signature: 'ab'.repeat(32) });
    expect(parseV3Authorization('ACS3-HMAC-SHA256 Credential=AK1')).toBeNull();
    expect(parseV3Authorization('HMAC-SHA1 foo')).toBeNull();
    expect(parseV3Authorization('ACS3-HMAC-SHA256 Credential=AK1,SignedHeaders=host,Signature=zz')).toBeNull();
  });
});

describe('encoding', () => {
  it('strict-encodes like the SDKs and decodes form pairs', () => {
    expect(percentEncode("a b*'()!~+/é")).toBe('a%20b%2A%27%28%29%21~%2B%2F%C3%A9');
    expect(parsePairs('a=1&b=x+y&c=%2B&&d')).toEqual([
      ['a', '1'],
      ['b', 'x y'],
      ['c', '+'],
      ['d', ''],
    ]);
    expect(() => parsePairs('a=%FF')).toThrow(/invalid UTF-8/);
    expect(() => parsePairs('a=%zz')).toThrow(/malformed/);
  });
});
