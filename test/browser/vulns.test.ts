import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Locator, Page } from 'playwright-core';
import { AssetService } from '../../src/domain/assets/asset-service.js';
import { VulnService } from '../../src/domain/vulns/vuln-service.js';
import { openStore } from '../../src/store/db.js';
import { sharedDataDir } from '../helpers/shared-data.js';
import { assertBuilt, launchBrowser, startVigilServer, type VigilServer, loginToConsole, openPage } from './helpers.js';

const text = async (locator: Locator) => ((await locator.textContent()) ?? '').trim();
const UUID = 'b2b2b2b2-0000-4000-8000-0000000000aa';
// ALSA-2026:19220 (sudo fixed in 1.9.17p2-3.el9_8) is among the AlmaLinux samples; this host has an older sudo.
const SAMPLES = join(sharedDataDir(), 'vuln/almalinux-osv/samples/advisories/almalinux9');

describe('vulnerabilities console', () => {
  let server: VigilServer | undefined;
  let browser: Browser | undefined;
  let page: Page;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    assertBuilt();
    server = await startVigilServer();
    // Inventory and advisories go into the running server's store, as the agent link and `vigil vulndb import` would.
    const store = openStore({ sqlitePath: join(server.home, 'vigil.db') });
    try {
      const account = await store.db.selectFrom('accounts').select('id').executeTakeFirstOrThrow();
      await new AssetService(store.db).ingestInventory(account.id, UUID, {
        hostname: 'alma-web-1',
        os: { id: 'almalinux', prettyName: 'AlmaLinux 9.6 (Sage Margay)', versionId: '9.6', kernel: '5.14.0-570.12.1.el9_6.x86_64', arch: 'x86_64' },
        interfaces: [{ name: 'eth0', mac: '52:54:00:00:00:aa', ips: ['10.1.1.10'] }],
        software: [{ source: 'rpm', name: 'sudo', version: '1.9.5p2-10.el9_3', arch: 'x86_64' }],
      });
      const report = await new VulnService(store.db).importPath(SAMPLES);
      expect(report.errors).toEqual([]);
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

  it('lists advisories with urgency counts, expands to hosts, and ignores one with a reason', async () => {
    if (!server) throw new Error('server did not start');
    await loginToConsole(page, server);
    await page.goto(`${server.url}/console/#/prevention/vulns`);

    const group = page.locator('tr[data-row-key="ALSA-2026:19220"]');
    await group.waitFor({ state: 'visible' });
    expect(await group.textContent()).toContain('Important: sudo security update');
    expect(await group.textContent()).toContain('Privilege escalation');
    // Not exposed (no listening ports), Important: "later".
    expect(await text(page.getByTestId('vul-later-ALSA-2026:19220'))).toBe('1');
    expect(await text(page.getByTestId('vul-handled-ALSA-2026:19220'))).toBe('0');

    await group.locator('.ant-table-row-expand-icon').click();
    const status = page.getByTestId(`vul-status-${UUID}`);
    await expect.poll(() => text(status)).toBe('Unfixed');
    expect(await text(page.getByTestId(`vul-hosts-ALSA-2026:19220`))).toContain('dnf update sudo');

    await page.getByTestId(`vul-ignore-${UUID}`).click();
    await page.getByTestId('vul-ignore-reason').fill('sudo is restricted to admins');
    await page.getByTestId('vul-ignore-confirm').click();

    // "To handle" is the default filter: the advisory leaves the list once its only host is ignored.
    await expect.poll(() => group.count()).toBe(0);
    await page.getByTestId('vulns-filter-dealed').click();
    await page.locator('.ant-select-item-option').filter({ hasText: 'Handled' }).click();
    await group.waitFor({ state: 'visible' });
    expect(await text(page.getByTestId('vul-handled-ALSA-2026:19220'))).toBe('1');
    await group.locator('.ant-table-row-expand-icon').click();
    await expect.poll(() => text(status)).toBe('Ignored');
    expect(await text(page.getByTestId(`vul-hosts-ALSA-2026:19220`))).toContain('sudo is restricted to admins');
    expect(pageErrors).toEqual([]);
  });
});
