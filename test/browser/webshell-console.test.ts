import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Locator, Page } from 'playwright-core';
import { AlertService } from '../../src/domain/alerts/alert-service.js';
import { WebshellService } from '../../src/domain/leaks/webshell-service.js';
import { openStore, type Store } from '../../src/store/db.js';
import { assertBuilt, launchBrowser, startVigilServer, type VigilServer, loginToConsole, openPage } from './helpers.js';

const text = async (locator: Locator) => ((await locator.textContent()) ?? '').trim();
const HOST = '44444444-4444-4444-8444-444444444444';
const PATH = '/var/www/html/wp-content/uploads/cache.php';
const SHA = 'a'.repeat(64);

// The agent's webshell report and alert enter through the same services the agent hub feeds
// (src/agent/webshell-feature.ts sends both), writing the server's own database.
describe('webshell findings in the console', () => {
  let server: VigilServer | undefined;
  let browser: Browser | undefined;
  let store: Store | undefined;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    assertBuilt();
    server = await startVigilServer();
    store = openStore({ sqlitePath: join(server.home, 'vigil.db') });
    const account = await store.db.selectFrom('accounts').select('id').executeTakeFirstOrThrow();
    const evidence = [{ offset: 57, length: 24, excerpt: "$f($_REQUEST['pass'])" }];
    await new WebshellService(store.db).ingest(account.id, HOST, {
      trigger: 'watch',
      findings: [{ path: PATH, sha256: SHA, ruleId: 'php.variable-function-request', confidence: 'high', level: 'serious', message: 'calls a function whose name is taken from the request', evidence }],
    });
    const alerts = new AlertService(store.db, { sendTask: () => Promise.reject(new Error('no agent in this test')) }, { warn: () => undefined });
    const id = await alerts.ingest(account.id, HOST, {
      ruleId: 'webshell',
      name: 'Webshell: php.variable-function-request',
      level: 'serious',
      aggKey: PATH,
      details: { file: { path: PATH, sha256: SHA }, evidence: `calls a function whose name is taken from the request\n@57: $f($_REQUEST['pass'])` },
    });
    if (id === null) throw new Error('alert not stored');
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await store?.close();
    await server?.stop();
  });

  it('en: the alert drawer highlights the matched code with its offset; the leaks page lists the finding', async () => {
    if (!server || !browser) throw new Error('server did not start');
    const page: Page = await openPage(browser, pageErrors);
    await loginToConsole(page, server);
    await page.goto(`${server.url}/console/#/detection/alerts`);
    const row = page.locator('[data-testid="alerts-table"] tr', { hasText: 'Webshell' });
    await expect.poll(() => text(row)).toContain('Serious');
    await row.getByText('Webshell: php.variable-function-request').click();
    await expect.poll(() => text(page.getByTestId('alert-evidence-hit'))).toBe("$f($_REQUEST['pass'])");
    expect(await page.getByTestId('alert-evidence-hit').locator('mark').count()).toBe(1);
    expect(await text(page.getByTestId('alert-evidence'))).toContain('offset 57');
    expect(await text(page.getByTestId('alert-detail'))).toContain(PATH);
    await page.keyboard.press('Escape');

    await page.goto(`${server.url}/console/#/detection/ak-leaks`);
    const ws = page.locator('[data-testid="webshells-table"] tr', { hasText: PATH });
    await expect.poll(() => text(ws)).toContain('php.variable-function-request');
    expect(await text(ws)).toContain('High');
    expect(await text(ws)).toContain('File watcher');
    expect(await text(ws.getByTestId('webshell-evidence-hit'))).toBe("$f($_REQUEST['pass'])");
    expect(await text(page.locator('.ant-card-head-title', { hasText: 'Webshell findings' }))).toBe('Webshell findings (1)');
    expect(pageErrors).toEqual([]);
    await page.close();
  }, 90_000);

  it('zh-CN: the same finding with Chinese labels', async () => {
    if (!server || !browser) throw new Error('server did not start');
    const page: Page = await openPage(browser, pageErrors, 'zh-CN');
    await loginToConsole(page, server);
    await page.goto(`${server.url}/console/#/detection/ak-leaks`);
    const ws = page.locator('[data-testid="webshells-table"] tr', { hasText: PATH });
    await expect.poll(() => text(ws)).toContain('文件监控');
    expect(await text(ws)).toContain('高');
    expect(await text(page.locator('.ant-card-head-title', { hasText: '网站后门' }))).toBe('网站后门检测结果（1）');
    await page.goto(`${server.url}/console/#/detection/alerts`);
    // Alert names are shown in the console's language (the API keeps the agent's English name).
    await page.locator('[data-testid="alerts-table"] tr', { hasText: '网站后门' }).getByText('网站后门：php.variable-function-request').click();
    await expect.poll(() => text(page.getByTestId('alert-evidence'))).toContain('偏移 57');
    expect(pageErrors).toEqual([]);
    await page.close();
  }, 90_000);
});
