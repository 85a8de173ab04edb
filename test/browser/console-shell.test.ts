import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Locator, Page } from 'playwright-core';
import { assertBuilt, launchBrowser, startVigilServer, type VigilServer, openPage } from './helpers.js';

interface Summary {
  SecurityScore: number;
  AegisClientOnlineCount: number;
  AegisClientOfflineCount: number;
}

const text = async (locator: Locator) => ((await locator.textContent()) ?? '').trim();

/** DescribeSummaryInfo as the logged-in browser sees it (same cookie, same CSRF route). */
async function summaryFromBrowser(page: Page): Promise<Summary> {
  return page.evaluate(async () => {
    const session = (await (await fetch('/api/session')).json()) as { CsrfToken: string };
    const response = await fetch('/api/DescribeSummaryInfo', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-csrf-token': session.CsrfToken },
      body: '{}',
    });
    return (await response.json()) as Summary;
  });
}

describe('console shell', () => {
  let server: VigilServer | undefined;
  let browser: Browser | undefined;
  let page: Page;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    assertBuilt();
    server = await startVigilServer();
    browser = await launchBrowser();
    page = await openPage(browser, pageErrors);
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('logs in, shows the overview, switches language, creates an AccessKey and finds it in the audit', async () => {
    if (!server) throw new Error('server did not start');
    await page.goto(`${server.url}/console/`);

    // Not logged in: the console shows its login page; a wrong password gets a clear error.
    await page.getByTestId('login-username').fill(server.adminUser);
    await page.getByTestId('login-password').fill(`${server.adminPassword}-wrong`);
    await page.getByTestId('login-submit').click();
    await expect.poll(() => text(page.getByTestId('login-error'))).toMatch(/Wrong user name, password/);

    await page.getByTestId('login-password').fill(server.adminPassword);
    await page.getByTestId('login-submit').click();
    await page.waitForURL(/#\/overview$/);
    expect(await text(page.getByTestId('current-user'))).toBe(server.adminUser);
    expect(await text(page.getByTestId('product-name'))).toBe('Vigil');

    // Overview: the numbers shown are the server's numbers.
    const summary = await summaryFromBrowser(page);
    await expect.poll(() => text(page.getByTestId('security-score'))).toBe(String(summary.SecurityScore));
    const online = page.getByTestId('agents-online').locator('.ant-statistic-content-value');
    const offline = page.getByTestId('agents-offline').locator('.ant-statistic-content-value');
    await expect.poll(() => text(online)).toBe(String(summary.AegisClientOnlineCount));
    await expect.poll(() => text(offline)).toBe(String(summary.AegisClientOfflineCount));
    await page.getByTestId('overview-refresh').click();
    await expect.poll(() => text(page.getByTestId('security-score'))).toBe(String(summary.SecurityScore));

    // Language: zh-CN labels, remembered across a reload, then back to English.
    const menu = page.getByRole('menu').first();
    await page.getByTestId('language-switch').getByText('中文').click();
    await expect.poll(() => text(page.getByTestId('nav-overview'))).toBe('总览');
    expect(await menu.textContent()).toContain('访问控制');
    await page.reload();
    await expect.poll(() => text(page.getByTestId('nav-overview'))).toBe('总览');
    expect(await page.evaluate(() => document.documentElement.lang)).toBe('zh-CN');
    await page.getByTestId('language-switch').getByText('English').click();
    await expect.poll(() => text(page.getByTestId('nav-overview'))).toBe('Overview');
    expect(await menu.textContent()).toContain('Access control');

    // AccessKey: create one, the secret is shown once in a modal, then only the id remains.
    await page.getByTestId('nav-accessKeys').click();
    await page.waitForURL(/#\/access-control\/access-keys$/);
    await page.getByTestId('create-access-key').click();
    const modal = page.getByTestId('secret-modal');
    await modal.waitFor({ state: 'visible' });
    expect(await modal.textContent()).toContain('cannot be shown again');
    const accessKeyId = await text(page.getByTestId('new-access-key-id'));
    const accessKeySecret = await text(page.getByTestId('new-access-key-secret'));
    expect(accessKeyId).toMatch(/^\S{8,}$/);
    expect(accessKeySecret).toMatch(/^\S{16,}$/);
    await page.getByTestId('secret-modal-done').click();
    await modal.waitFor({ state: 'detached' });
    const row = page.locator(`tr[data-row-key="${accessKeyId}"]`);
    await row.waitFor({ state: 'visible' });
    expect(await row.textContent()).toContain('Active');
    expect(await page.content()).not.toContain(accessKeySecret);

    // Disable it (UpdateAccessKey) and create a second one to delete (DeleteAccessKey).
    await page.getByTestId(`access-key-toggle-${accessKeyId}`).click();
    await expect.poll(() => text(row.locator('.ant-tag'))).toBe('Inactive');
    await page.getByTestId('create-access-key').click();
    await modal.waitFor({ state: 'visible' });
    const doomedId = await text(page.getByTestId('new-access-key-id'));
    await page.getByTestId('secret-modal-done').click();
    await modal.waitFor({ state: 'detached' });
    await page.getByTestId(`access-key-delete-${doomedId}`).click();
    await page.locator('.ant-popconfirm').getByRole('button', { name: 'Delete' }).click();
    await page.locator(`tr[data-row-key="${doomedId}"]`).waitFor({ state: 'detached' });
    expect(await row.isVisible()).toBe(true);

    // Audit: the CreateAccessKey call is listed, also when filtered by event name.
    await page.getByTestId('nav-audit').click();
    await page.waitForURL(/#\/audit$/);
    const auditRows = page.locator('[data-testid="audit-table"] tr.ant-table-row');
    const createRow = auditRows.filter({ hasText: 'CreateAccessKey' }).first();
    await createRow.waitFor({ state: 'visible' });
    expect(await createRow.textContent()).toContain(server.adminUser);
    await page.getByTestId('audit-filter-event-name').fill('CreateAccessKey');
    await page.getByTestId('audit-search').click();
    await expect
      .poll(async () => (await auditRows.allTextContents()).every((row) => row.includes('CreateAccessKey')))
      .toBe(true);
    expect(await auditRows.count()).toBeGreaterThanOrEqual(1);
    await auditRows.first().locator('.ant-table-row-expand-icon').click();
    await page.locator('[data-testid^="audit-params-"]').first().waitFor({ state: 'visible' });

    // Export the loaded rows (client-side download) as CSV and JSON.
    const [csvDownload] = await Promise.all([page.waitForEvent('download'), page.getByTestId('audit-export-csv').click()]);
    const csv = await readFile(await csvDownload.path(), 'utf8');
    const csvLines = csv.trimEnd().split('\r\n');
    expect(csvLines[0]).toMatch(/^eventTime,eventName,/);
    expect(csvLines.length).toBeGreaterThanOrEqual(2);
    expect(csvLines.slice(1).every((line) => line.split(',')[1] === 'CreateAccessKey')).toBe(true);
    const [jsonDownload] = await Promise.all([page.waitForEvent('download'), page.getByTestId('audit-export-json').click()]);
    const exported = JSON.parse(await readFile(await jsonDownload.path(), 'utf8')) as Array<{ eventName: string }>;
    expect(exported.length).toBe(csvLines.length - 1);
    expect(exported.every((e) => e.eventName === 'CreateAccessKey')).toBe(true);

    // "Load more" follows NextToken: 55 more calls make the trail longer than one page of 50.
    await page.evaluate(async () => {
      const session = (await (await fetch('/api/session')).json()) as { CsrfToken: string };
      for (let i = 0; i < 55; i++) {
        await fetch('/api/DescribeSummaryInfo', {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-csrf-token': session.CsrfToken },
          body: '{}',
        });
      }
    });
    await page.getByTestId('audit-filter-event-name').fill('DescribeSummaryInfo');
    await page.getByTestId('audit-search').click();
    const loadedCount = page.getByTestId('audit-loaded-count');
    await expect.poll(() => text(loadedCount)).toBe('Events loaded: 50');
    await page.getByTestId('audit-load-more').click();
    await expect.poll(async () => Number(/\d+/.exec(await text(loadedCount))?.[0])).toBeGreaterThanOrEqual(55);

    expect(pageErrors).toEqual([]);
  });

  it('starts in Chinese for a zh browser with no remembered choice', async () => {
    if (!server || !browser) throw new Error('server did not start');
    const context = await browser.newContext({ locale: 'zh-CN' });
    try {
      const zhPage = await context.newPage();
      await zhPage.goto(`${server.url}/console/`);
      await zhPage.getByTestId('login-submit').waitFor({ state: 'visible' });
      const body = await text(zhPage.locator('body'));
      expect(body).toContain('登录 Vigil');
      expect(body).toContain('密码');
      expect(await zhPage.evaluate(() => document.documentElement.lang)).toBe('zh-CN');
    } finally {
      await context.close();
    }
  });
});
