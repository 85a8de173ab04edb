import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { findRulesDir, runBaselineScan } from '../../src/agent/baseline-scan.js';
import { BaselineService } from '../../src/domain/baseline/baseline-service.js';
import type { BaselineSnapshot } from '../../src/domain/baseline/baseline-types.js';
import { openStore } from '../../src/store/db.js';
import { assertBuilt, launchBrowser, startVigilServer, type VigilServer, loginToConsole, openPage } from './helpers.js';

const UUID = '0a0b0c0d-0e0f-4010-8111-121314151617';

describe('baseline console page', () => {
  let server: VigilServer | undefined;
  let browser: Browser | undefined;
  let page: Page;
  let snap: BaselineSnapshot;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    assertBuilt();
    server = await startVigilServer();
    // A real scan of this machine's Redis (config policy + live AUTH probe), ingested into the running server's store.
    snap = await runBaselineScan(
      { policyDirs: [findRulesDir('baseline') as string], weakpassDir: findRulesDir('weakpass'), ports: [{ proto: 'tcp', bindIp: '127.0.0.1', port: 6379, procName: 'redis-server' }] },
      { policyIds: ['vigil_redis', 'vigil_weakpass'], checkIds: [920001, 920002, 920003, 920004, 990002] },
    );
    const store = openStore({ sqlitePath: join(server.home, 'vigil.db') });
    try {
      const account = await store.db.selectFrom('accounts').select('id').executeTakeFirstOrThrow();
      await new BaselineService(store.db).ingest(account.id, UUID, snap);
    } finally {
      await store.close();
    }
    browser = await launchBrowser();
    page = await openPage(browser, pageErrors);
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('lists the Redis risk with its failed checks, shows the fix text, and ignores a warning', async () => {
    if (!server) throw new Error('server did not start');
    const failed = snap.results.filter((r) => r.policyId === 'vigil_redis' && r.result === 'failed');
    expect(failed.length, 'this machine’s Redis passes every Redis baseline check; nothing to show').toBeGreaterThan(0);

    await loginToConsole(page, server);
    await page.goto(`${server.url}/console/#/prevention/baseline`);

    const riskRow = page.getByTestId('baseline-risks').locator('tr.ant-table-row').filter({ hasText: 'Vigil baseline for Redis' });
    await riskRow.waitFor({ state: 'visible' });
    const high = failed.filter((r) => r.level === 'high').length;
    const medium = failed.filter((r) => r.level === 'medium').length;
    const cells = (await riskRow.locator('td').allTextContents()).map((c) => c.trim());
    // Columns: name, type, level, checks, hosts, high, medium, low, last found.
    expect(cells.slice(3, 8)).toEqual(['4', '1', String(high), String(medium), '0']);

    await riskRow.getByRole('button', { name: 'Vigil baseline for Redis' }).click();
    const drawer = page.getByTestId('baseline-drawer');
    await drawer.waitFor({ state: 'visible' });
    const target = failed[failed.length - 1];
    if (!target) throw new Error('unreachable');
    const checkRow = page.getByTestId('baseline-checks').locator('tr.ant-table-row').filter({ hasText: target.title });
    await checkRow.waitFor({ state: 'visible' });
    expect(await checkRow.textContent()).toContain('Failed');

    // Expand: reason and fix text from the policy.
    await checkRow.locator('.ant-table-row-expand-icon').click();
    await expect.poll(async () => (await page.getByTestId('baseline-solution').first().textContent()) ?? '').toContain(target.fix.slice(0, 40));

    // Ignore with a reason → the row turns Ignored and the risk's count drops.
    const ignoreButton = checkRow.getByRole('button', { name: 'Ignore' });
    await ignoreButton.click();
    await page.getByTestId('baseline-ignore-reason').fill('accepted for the test');
    await page.getByTestId('baseline-ignore-ok').click();
    await expect.poll(async () => (await checkRow.textContent()) ?? '').toContain('Ignored');
    await drawer.getByRole('button', { name: 'Close' }).click();
    const stillFailing = failed.length - 1;
    if (stillFailing === 0) await riskRow.waitFor({ state: 'detached' });
    else {
      const col = target.level === 'high' ? 5 : 6;
      const expected = String((target.level === 'high' ? high : medium) - 1);
      await expect.poll(async () => ((await riskRow.locator('td').nth(col).textContent()) ?? '').trim()).toBe(expected);
    }
    // The ignored tab lists it.
    await page.getByTestId('baseline-status').getByText('Ignored').click();
    await page.getByTestId('baseline-risks').locator('tr.ant-table-row').filter({ hasText: 'Vigil baseline for Redis' }).waitFor({ state: 'visible' });
    expect(pageErrors).toEqual([]);
  });
  it('manages strategies and lists the weak-password sources, in English and Chinese', async () => {
    if (!server) throw new Error('server did not start');
    await page.goto(`${server.url}/console/#/prevention/baseline`);
    await page.getByTestId('baseline-tabs').getByRole('tab', { name: 'Strategies' }).click();
    const table = page.getByTestId('strategy-table');
    await table.getByText('No strategy yet').waitFor({ state: 'visible' });

    await page.getByTestId('strategy-new').click();
    await page.getByTestId('strategy-name').fill('Nightly weak passwords');
    await page.getByTestId('strategy-policies').click();
    await page.keyboard.type('vigil_weakpass');
    await page.keyboard.press('Enter');
    await page.keyboard.press('Escape');
    await page.getByTestId('strategy-start').fill('25:00:00');
    await page.getByTestId('strategy-save').click();
    await page.getByText('Use HH:MM:SS').waitFor({ state: 'visible' });
    await page.getByTestId('strategy-start').fill('02:00:00');
    await page.getByTestId('strategy-save').click();
    const row = table.locator('tr.ant-table-row').filter({ hasText: 'Nightly weak passwords' });
    await row.waitFor({ state: 'visible' });
    expect(((await row.textContent()) ?? '').replace(/\s+/g, ' ')).toContain('vigil_weakpassEvery 1 days02:00:00 – 06:00:000 host(s)');

    // Weak-password sources: every source listed; Redis fails on the host ingested above (no password here).
    await page.getByTestId('baseline-tabs').getByRole('tab', { name: 'Weak-password sources' }).click();
    const sources = page.getByTestId('weak-sources');
    await sources.locator('tr.ant-table-row').filter({ hasText: 'Tomcat users' }).waitFor({ state: 'visible' });
    expect(await sources.locator('tr.ant-table-row').count()).toBe(11);
    const redisRow = sources.locator('tr.ant-table-row').filter({ hasText: /^Redis/ });
    await expect.poll(async () => (await redisRow.locator('td').allTextContents()).slice(2)).toEqual(['1', '1']);

    // Chinese
    await page.getByTestId('language-switch').getByText('中文').click();
    await page.getByTestId('baseline-tabs').getByRole('tab', { name: '弱口令检测范围' }).waitFor({ state: 'visible' });
    await sources.getByText('Tomcat 用户').waitFor({ state: 'visible' });
    await page.getByTestId('baseline-tabs').getByRole('tab', { name: '检测策略' }).click();
    await expect.poll(async () => ((await row.textContent()) ?? '').replace(/\s+/g, ' ')).toContain('每 1 天');
    await row.getByRole('button', { name: '删除' }).click();
    await page.locator('.ant-popconfirm').getByRole('button', { name: /确\s*定|OK/ }).click();
    await table.getByText('尚无策略').waitFor({ state: 'visible' });
    await page.getByTestId('language-switch').getByText('English').click();
    expect(pageErrors).toEqual([]);
  });
});
