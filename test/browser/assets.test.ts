import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Locator, Page } from 'playwright-core';
import { AssetService } from '../../src/domain/assets/asset-service.js';
import { collectHostInventory, type HostInventory } from '../../src/host/inventory/index.js';
import { openStore } from '../../src/store/db.js';
import { assertBuilt, launchBrowser, startVigilServer, type VigilServer, loginToConsole, openPage } from './helpers.js';

const text = async (locator: Locator) => ((await locator.textContent()) ?? '').trim();
const UUID = '0f0e0d0c-0b0a-4908-8706-050403020100';

describe('asset center console', () => {
  let server: VigilServer | undefined;
  let browser: Browser | undefined;
  let page: Page;
  let inv: HostInventory;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    assertBuilt();
    server = await startVigilServer();
    // This machine's real inventory, ingested into the running server's store through the asset service.
    inv = await collectHostInventory({ maxLanguagePackages: 500 });
    const store = openStore({ sqlitePath: join(server.home, 'vigil.db') });
    try {
      const account = await store.db.selectFrom('accounts').select('id').executeTakeFirstOrThrow();
      await new AssetService(store.db).ingestInventory(account.id, UUID, inv);
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

  it('lists the host, searches by listening port, and shows its ports in the detail', async () => {
    if (!server) throw new Error('server did not start');
    await loginToConsole(page, server);

    await page.getByTestId('nav-assets').click();
    await page.waitForURL(/#\/assets$/);
    const row = page.locator(`tr[data-row-key="${UUID}"]`);
    await row.waitFor({ state: 'visible' });
    expect(await row.textContent()).toContain(inv.hostname);
    expect(await text(page.getByTestId('assets-sync'))).toBe('Sync assets');

    // Search by a port nobody listens on: no rows; then by Redis's port: the host again.
    await page.getByTestId('assets-search-field').click();
    await page.locator('.ant-select-item-option').filter({ hasText: 'Listening port' }).click();
    await page.getByTestId('assets-search-text').fill('1');
    await page.getByTestId('assets-search').click();
    await row.waitFor({ state: 'detached' });
    await page.getByTestId('assets-search-text').fill('6379');
    await page.getByTestId('assets-search').click();
    await row.waitFor({ state: 'visible' });

    // Detail drawer: overview, then the ports tab lists 6379 owned by redis-server.
    await page.getByTestId(`asset-open-${UUID}`).click();
    const drawer = page.getByTestId('asset-detail');
    await drawer.waitFor({ state: 'visible' });
    expect(await text(page.getByTestId('asset-overview'))).toContain(inv.os.kernel);
    await drawer.getByRole('tab', { name: 'Ports' }).click();
    const redisRow = page.getByTestId('asset-ports').locator('tr.ant-table-row').filter({ hasText: 'redis-server' }).first();
    await redisRow.waitFor({ state: 'visible' });
    expect(await redisRow.textContent()).toContain('6379');
    await drawer.getByRole('tab', { name: 'Processes' }).click();
    await page.getByTestId('asset-processes-search').locator('input').fill('postgres');
    await page.getByTestId('asset-processes-search').locator('input').press('Enter');
    await expect.poll(async () => (await page.getByTestId('asset-processes').locator('tr.ant-table-row').allTextContents()).every((r) => r.includes('postgres'))).toBe(true);
    expect(await page.getByTestId('asset-processes').locator('tr.ant-table-row').count()).toBeGreaterThanOrEqual(1);

    // Tag the host from the list; the tag shows in the table.
    await page.keyboard.press('Escape');
    await drawer.waitFor({ state: 'hidden' });
    await row.locator('.ant-checkbox-input').check();
    await page.getByTestId('assets-set-tags').click();
    await page.getByTestId('assets-tags-input').fill('prod,redis');
    await page.getByTestId('assets-bulk-ok').click();
    await expect.poll(async () => text(row)).toContain('redis');

    // Chinese labels follow the seed's menu and button names.
    await page.getByTestId('language-switch').getByText('中文').click();
    await expect.poll(() => text(page.getByTestId('nav-assets'))).toBe('资产中心');
    expect(await text(page.getByTestId('assets-sync'))).toBe('同步最新资产');
    expect(pageErrors).toEqual([]);
  });
});
