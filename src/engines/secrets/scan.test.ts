import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { scanSecrets } from './scan.js';
import { sha256Hex } from './text-utils.js';
import { sharedDataDir } from '../../../test/helpers/shared-data.js';

const DATA = `${sharedDataDir()}/secrets`;
interface GitleaksCase { ruleId: string; tps: string[]; fps: string[] }
const cases = JSON.parse(readFileSync(`${DATA}/gitleaks-cases.json`, 'utf8')) as GitleaksCase[];
const templates = (JSON.parse(readFileSync(`${DATA}/gitleaks-sample-templates.json`, 'utf8')) as { template: string }[]).map((t) => t.template);

/** gitleaks rule → the Vigil rule that covers it (the rest of gitleaks' 222 rules are out of scope). */
const RULE_MAP: Record<string, string> = {
  'aws-access-token': 'aws-access-key-id',
  'azure-ad-client-secret': 'azure-ad-client-secret',
  'gcp-service-account': 'gcp-service-account',
  'github-pat': 'github-token', 'github-oauth': 'github-token', 'github-app-token': 'github-token', 'github-refresh-token': 'github-token',
  'github-fine-grained-pat': 'github-fine-grained-pat',
  'gitlab-pat': 'gitlab-token', 'gitlab-pat-routable': 'gitlab-token',
  'slack-webhook-url': 'slack-webhook-url',
  'stripe-access-token': 'stripe-secret-key',
  'private-key': 'private-key',
  jwt: 'jwt',
  'generic-api-key': 'generic-secret',
};
const ourRule = (id: string): string | undefined => RULE_MAP[id] ?? (id.startsWith('slack-') ? 'slack-token' : undefined);

/** Deterministic PRNG so synthesized keys are the same on every run. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
}
const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const randomAlnum = (r: () => number, n: number): string => Array.from({ length: n }, () => ALNUM[Math.floor(r() * ALNUM.length)]).join('');

describe('scanSecrets against the gitleaks regression cases', () => {
  it('finds the mapped rule for the true positives and stays quiet on the false positives', () => {
    let tp = 0;
    let tpHit = 0;
    let fp = 0;
    let fpHit = 0;
    const misses: string[] = [];
    for (const c of cases) {
      const ours = ourRule(c.ruleId);
      if (!ours) continue;
      for (const t of c.tps) {
        tp++;
        if (scanSecrets(t).some((f) => f.ruleId === ours)) tpHit++;
        else misses.push(`TP ${c.ruleId}: ${JSON.stringify(t).slice(0, 100)}`);
      }
      for (const t of c.fps) {
        fp++;
        if (scanSecrets(t).some((f) => f.ruleId === ours)) {
          fpHit++;
          misses.push(`FP ${c.ruleId}: ${JSON.stringify(t).slice(0, 100)}`);
        }
      }
    }
    const recall = tpHit / tp;
    const precision = tpHit / (tpHit + fpHit);
    console.log(`gitleaks mapped rules: recall ${tpHit}/${tp} = ${recall.toFixed(4)}, FP cases flagged ${fpHit}/${fp}, precision ${precision.toFixed(4)}\n${misses.join('\n')}`);
    expect(tp).toBe(369);
    expect(recall).toBeGreaterThanOrEqual(0.99);
    expect(fpHit).toBeLessThanOrEqual(1);
  });

  it('finds synthesized Alibaba AccessKey ids in every sample template, and pairs them with their secret', () => {
    const r = rng(42);
    let hits = 0;
    let total = 0;
    for (let i = 0; i < 20; i++) {
      const id = `LTAI${randomAlnum(r, 20)}`;
      for (const t of templates) {
        total++;
        const text = t.replaceAll('{i}', 'alibaba').replaceAll('{I}', 'ALIBABA').replaceAll('{s}', id);
        const f = scanSecrets(text).find((x) => x.ruleId === 'alibaba-access-key-id');
        if (f?.keyId === id) hits++;
      }
    }
    expect(hits).toBe(total);

    const id = `LTAI${randomAlnum(r, 20)}`;
    const secret = randomAlnum(r, 30);
    const config = `[default]\naccess_key_id = ${id}\nregion = cn-hangzhou\naccess_key_secret = ${secret}\n`;
    const found = scanSecrets(config, { path: 'config' });
    const idF = found.find((x) => x.ruleId === 'alibaba-access-key-id');
    const secF = found.find((x) => x.ruleId === 'alibaba-access-key-secret');
    expect(idF).toMatchObject({ confidence: 'high', paired: true, line: 2, column: 17, provider: 'alibaba' });
    expect(secF).toMatchObject({ confidence: 'high', paired: true, keyId: id, line: 4, secretHash: sha256Hex(secret) });
    expect(secF?.redacted).toBe(`${secret.slice(0, 4)}****${secret.slice(-2)}`);
    expect(JSON.stringify(found)).not.toContain(secret);
    // An id alone is still a finding, but only medium.
    expect(scanSecrets(`key: ${id}`)[0]).toMatchObject({ ruleId: 'alibaba-access-key-id', confidence: 'medium' });
  });
});

describe('scanSecrets: providers and allowlist', () => {
  const r = rng(7);
  it('pairs an AWS key id with its secret and skips the documented example keys', () => {
    const keyId = `AKIA${'QWERTYUPASDFGHJK'}`;
    const secret = `${randomAlnum(r, 20)}/${randomAlnum(r, 19)}`;
    const f = scanSecrets(`aws_access_key_id=${keyId}\naws_secret_access_key=${secret}\n`);
    expect(f.map((x) => [x.ruleId, x.confidence, x.paired])).toEqual([
      ['aws-access-key-id', 'high', true],
      ['aws-secret-access-key', 'high', true],
    ]);
    expect(scanSecrets('aws_access_key_id=AKIAIOSFODNN7EXAMPLE\naws_secret_access_key=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY')).toEqual([]);
  });

  it('recognises GCP service-account JSON, Azure connection strings, GitHub/GitLab/Slack/Stripe tokens', () => {
    const pem = `-----BEGIN PRIVATE KEY-----\\n${randomAlnum(r, 64)}\\n${randomAlnum(r, 64)}\\n-----END PRIVATE KEY-----\\n`;
    const gcp = JSON.stringify({ type: 'service_account', project_id: 'p', private_key: 'PEM', client_email: 'a@p.iam.gserviceaccount.com' }, null, 2).replace('PEM', pem);
    expect(scanSecrets(gcp).map((x) => x.ruleId)).toContain('gcp-service-account');
    const azure = `DefaultEndpointsProtocol=https;AccountName=acct;AccountKey=${randomAlnum(r, 86)}==;EndpointSuffix=core.windows.net`;
    expect(scanSecrets(azure).map((x) => x.ruleId)).toEqual(['azure-storage-account-key']);
    const text = [
      `token: ghp_${randomAlnum(r, 36)}`,
      `GITLAB=glpat-${randomAlnum(r, 20)}`,
      `slack = "xoxb-123456789012-1234567890123-${randomAlnum(r, 24)}"`,
      `STRIPE_KEY=sk_live_${randomAlnum(r, 24)}`,
      `STRIPE_TEST=sk_test_${randomAlnum(r, 24)}`,
    ].join('\n');
    const f = scanSecrets(text);
    expect(f.map((x) => [x.ruleId, x.line, x.confidence])).toEqual([
      ['github-token', 1, 'high'],
      ['gitlab-token', 2, 'high'],
      ['slack-token', 3, 'high'],
      ['stripe-secret-key', 4, 'high'],
      ['stripe-secret-key', 5, 'low'],
    ]);
  });

  it('reports generic high-entropy assignments but not placeholders or references', () => {
    const value = randomAlnum(r, 28);
    expect(scanSecrets(`db_password = "${value}"`)).toMatchObject([{ ruleId: 'generic-secret', line: 1, column: 16 }]);
    for (const placeholder of ['changeme', '<your-key>', '${DB_PASSWORD}', 'xxxxxxxxxxxxxxxx', 'YOUR_API_KEY_HERE', 'process.env.SECRET', 'password123']) {
      expect(scanSecrets(`api_key = "${placeholder}"`), placeholder).toEqual([]);
    }
  });
});
