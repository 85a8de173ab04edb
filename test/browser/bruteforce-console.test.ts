/**
 * The anti-brute-force console page against `vigil server --local-agent` (a real agent on this
 * machine, with its own nftables table name): create and delete a rule for this host, see a blocked
 * source the agent reported and unblock it (a real task on the agent), add and remove a usual login
 * IP; English and Chinese.
 */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Locator, Page } from 'playwright-core';
import { startLocalAgentServer, type LocalAgentServer } from '../helpers/local-agent-server.js';
import { assertBuilt, launchBrowser, loginToConsole, openPage } from './helpers.js';

const text = async (locator: Locator) => ((await locator.textContent()) ?? '').trim();
const TABLE = `vigil_b${randomBytes(3).toString('hex')}`;
const SOURCE = '198.51.100.77';

describe('anti-brute-force console page', () => {
  let srv: LocalAgentServer | undefined;
  let browser: Browser | undefined;
  let page: Page;
  const pageErrors: string[] = [];
  let password = '';
  let uuid = '';

  beforeAll(async () => {
    assertBuilt();
    srv = await startLocalAgentServer({ VIGIL_NFT_TABLE: TABLE, VIGIL_AUTHLOG_FILES: '/nonexistent/vigil-test-auth.log', VIGIL_AUTHLOG_JOURNAL: '0' });
    const reset = spawnSync(process.execPath, ['bin/vigil.js', 'admin', 'reset-password', '--home', srv.home], { encoding: 'utf8' });
    password = /New password for user "root": (\S+)/.exec(reset.stdout)?.[1] ?? '';
    uuid = (JSON.parse(readFileSync(join(srv.home, 'local-agent', 'agent.json'), 'utf8')) as { agentId: string }).agentId;
    browser = await launchBrowser();
    page = await openPage(browser, pageErrors);
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await srv?.stop();
    spawnSync('nft', ['delete', 'table', 'inet', TABLE]);
  });

  /** Hands the running agent a block event, as its detector would after a rule hit (agent inbox). */
  function agentReportsBlock(): void {
    if (!srv) throw new Error('no server');
    const inbox = join(srv.home, 'local-agent', 'inbox');
    mkdirSync(inbox, { recursive: true });
    const data = { ip: SOURCE, ruleId: '1', ruleName: 'ui-rule', failures: 7, windowSeconds: 300, blockSeconds: 1800, expiresAtMs: Date.now() + 1_800_000, backend: 'nftables', users: ['root'], services: ['sshd'] };
    writeFileSync(join(inbox, '.block.tmp'), JSON.stringify({ kind: 'bruteforce.block', data, time: Date.now() }));
    renameSync(join(inbox, '.block.tmp'), join(inbox, `${Date.now()}-block.json`));
  }

  it('creates and deletes a rule, unblocks a source, manages usual login IPs (en, zh-CN)', async () => {
    if (!srv) throw new Error('server did not start');
    expect(password).not.toBe('');
    await loginToConsole(page, { url: srv.url, adminUser: 'root', adminPassword: password });
    await page.getByTestId('nav-bruteForce').click();
    await page.waitForURL(/#\/settings\/brute-force$/);
    await expect.poll(() => text(page.locator('h3').first())).toBe('Anti-brute-force');

    // Rules: create one for this host (the host list comes from the asset center once the agent reported).
    await page.getByTestId('bf-add-rule').click();
    const modal = page.getByTestId('bf-rule-modal');
    await modal.getByTestId('bf-rule-name').fill('ui-rule');
    await modal.getByTestId('bf-rule-failcount').fill('4');
    await expect.poll(async () => {
      await modal.getByTestId('bf-rule-hosts').click();
      return page.locator('.ant-select-item-option').count();
    }, { timeout: 60_000 }).toBeGreaterThan(0);
    await page.locator('.ant-select-item-option').first().click();
    await modal.locator('.ant-modal-title').click(); // closes the dropdown (Escape would close the modal)
    await modal.locator('.ant-modal-footer .ant-btn-primary').click();
    const rules = page.getByTestId('bf-rules');
    await expect.poll(() => text(rules), { timeout: 20_000 }).toContain('ui-rule');
    expect(await text(rules)).toContain('4 failures within 5 min → block 30 min');
    // The rule reached the agent.
    const agentCfg = join(srv.home, 'local-agent', 'bruteforce', 'config.json');
    await expect.poll(() => { try { return readFileSync(agentCfg, 'utf8'); } catch { return ''; } }, { timeout: 15_000 }).toContain('"failures":4');

    // Blocked sources: a block reported by the agent, unblocked on demand through the agent.
    agentReportsBlock();
    await page.getByTestId('bf-tab-blocked').click();
    const blocked = page.getByTestId('bf-blocked');
    await expect.poll(async () => {
      await page.getByTestId('bf-blocked-refresh').click();
      return text(blocked);
    }, { timeout: 20_000 }).toContain(SOURCE);
    expect(await text(blocked.getByTestId('bf-status'))).toBe('Blocking');
    expect(await text(blocked)).toContain('7 failed logins (sshd) in 300 s; users root (ui-rule)');
    await page.getByTestId('language-switch').getByText('中文').click();
    await expect.poll(() => text(page.locator('h3').first())).toBe('防暴力破解');
    expect(await text(blocked.getByTestId('bf-status'))).toBe('封禁中');
    await blocked.getByTestId('bf-unblock').click();
    await page.locator('.ant-popconfirm .ant-btn-primary').click();
    await expect.poll(async () => {
      await page.getByTestId('bf-blocked-refresh').click();
      return text(blocked.getByTestId('bf-status'));
    }, { timeout: 45_000 }).toBe('已解除');
    await page.getByTestId('language-switch').getByText('English').click();

    // Usual login IPs for this host.
    await page.getByTestId('bf-tab-login').click();
    await page.getByTestId('login-value').fill('203.0.113.0/24');
    await page.getByTestId('login-hosts').click();
    await page.locator('.ant-select-item-option').first().click();
    await page.locator('h3').first().click();
    await page.getByTestId('login-add').click();
    const configs = page.getByTestId('login-configs');
    await expect.poll(() => text(configs)).toContain('203.0.113.0/24');
    await expect.poll(() => { try { return readFileSync(agentCfg, 'utf8'); } catch { return ''; } }, { timeout: 15_000 }).toContain('203.0.113.0/24');
    await configs.getByTestId('login-delete').click();
    await page.locator('.ant-popconfirm .ant-btn-primary').click();
    await expect.poll(() => text(configs)).not.toContain('203.0.113.0/24');

    // Delete the rule.
    await page.getByTestId('bf-tab-rules').click();
    await rules.getByTestId('bf-delete-rule').click();
    await page.locator('.ant-popconfirm .ant-btn-primary').click();
    await expect.poll(() => text(page.getByTestId('bf-rules'))).not.toContain('ui-rule');
    expect(pageErrors).toEqual([]);
    expect(uuid).not.toBe('');
  }, 180_000);
});
