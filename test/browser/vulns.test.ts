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
const APP_FIXTURE = join(import.meta.dirname, '../fixtures/vulns-app-cms/GHSA-652x-xj99-gmcc.json');

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
        software: [
          { source: 'rpm', name: 'sudo', version: '1.9.5p2-10.el9_3', arch: 'x86_64' },
          // ALSA-2026:55439; the agent found process 4242 mapping one of curl's files.
          { source: 'rpm', name: 'curl', version: '7.76.1-26.el9', arch: 'x86_64', pids: [4242] },
          // An application package: GHSA-652x-xj99-gmcc (PyPI requests) lists it under Type app.
          { source: 'pip', name: 'requests', version: '2.0.0', path: '/usr/lib/python3.9/site-packages/requests' },
        ],
        processes: [{ pid: 4242, ppid: 1, uid: 0, user: 'root', name: 'curl-poller', exe: '/usr/local/bin/curl-poller', cmdline: '/usr/local/bin/curl-poller', startTime: 0, state: 'S' }],
      });
      const report = await new VulnService(store.db).importPath(SAMPLES);
      expect(report.errors).toEqual([]);
      expect((await new VulnService(store.db).importPath(APP_FIXTURE)).errors).toEqual([]);
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

  it('shows related processes and the fix preview, whitelists an advisory, changes scan settings and exports', async () => {
    if (!server) throw new Error('server did not start');
    // A fresh page load: the default "To handle" filter again.
    await page.goto(`${server.url}/console/#/prevention/vulns`);
    await page.reload();
    const curl = page.locator('tr[data-row-key="ALSA-2026:55439"]');
    await curl.waitFor({ state: 'visible' });
    await curl.locator('.ant-table-row-expand-icon').click();
    await expect.poll(() => text(page.getByTestId(`vul-procs-${UUID}`))).toBe('Processes using it: curl-poller (4242)');

    // The preview asks the host's agent for a dry run; this host has no agent connected.
    await page.getByTestId(`vul-preview-${UUID}`).click();
    await expect.poll(() => text(page.getByTestId('vul-preview-content'))).toContain('Unknown agent');
    await page.locator('.ant-modal-confirm-btns button').click();

    // Whitelist it with a reason: it leaves the list, shows in the drawer, and comes back when removed.
    await page.getByTestId('vul-whitelist-ALSA-2026:55439').click();
    await page.getByTestId('vul-whitelist-reason').fill('curl is only used against the intranet');
    await page.getByTestId('vul-whitelist-confirm').click();
    await expect.poll(() => curl.count()).toBe(0);
    await page.getByTestId('vulns-settings').click();
    const wl = page.getByTestId('vul-whitelist-table');
    await expect.poll(() => text(wl)).toContain('curl is only used against the intranet');
    expect(await text(wl)).toContain('All hosts');
    await page.getByTestId('vul-wl-delete-ALSA-2026:55439').click();
    await page.getByTestId('vul-wl-delete-confirm').click();
    await expect.poll(() => text(wl)).toContain('No whitelisted vulnerabilities');

    // Scan settings: "real risks only" hides this "fix later" advisory; back to all shows it.
    await page.getByTestId('vul-settings-tab').click();
    await page.getByTestId('vul-set-scanMode').click();
    await page.locator('.ant-select-item-option').filter({ hasText: 'Real risks only' }).click();
    await page.locator('.ant-drawer-close').click();
    await expect.poll(() => curl.count()).toBe(0);
    await page.getByTestId('vulns-settings').click();
    await page.getByTestId('vul-set-scanMode').click();
    await page.locator('.ant-select-item-option').filter({ hasText: 'All vulnerabilities' }).click();
    await page.locator('.ant-drawer-close').click();
    await curl.waitFor({ state: 'visible' });

    // Export: a real .xlsx behind the link.
    await page.getByTestId('vulns-export').click();
    const link = page.getByTestId('vulns-export-link');
    await link.waitFor({ state: 'visible' });
    expect(await text(link)).toMatch(/^vul_cve_.*\.xlsx$/);
    const res = await page.request.get(`${server.url}${String(await link.getAttribute('href'))}`);
    expect(res.status()).toBe(200);
    expect(res.headers()['content-type']).toContain('spreadsheetml');
    expect((await res.body()).subarray(0, 2).toString('latin1')).toBe('PK');
    expect(pageErrors).toEqual([]);
  });

  it('switches to application packages (Type app): pip finding with its update command and no agent fix', async () => {
    if (!server) throw new Error('server did not start');
    await page.goto(`${server.url}/console/#/prevention/vulns`);
    // Let the first load render the table before opening the filter: a re-render under an opening
    // dropdown made the option unstable and then hid it (seen once in CI).
    await page.locator('tr.ant-table-row').first().waitFor({ state: 'visible' });
    const option = page.locator('.ant-select-item-option').filter({ hasText: 'Application packages' });
    await expect
      .poll(async () => {
        if (!(await option.isVisible())) await page.getByTestId('vulns-filter-type').click();
        await option.waitFor({ state: 'visible', timeout: 3_000 });
        return option.click({ timeout: 3_000 }).then(
          () => true,
          () => false,
        );
      }, { timeout: 20_000 })
      .toBe(true);
    const group = page.locator('tr[data-row-key="GHSA-652x-xj99-gmcc"]');
    await group.waitFor({ state: 'visible' });
    await expect.poll(() => page.locator('tr[data-row-key="ALSA-2026:19220"]').count()).toBe(0);
    await group.locator('.ant-table-row-expand-icon').click();
    const hosts = page.getByTestId('vul-hosts-GHSA-652x-xj99-gmcc');
    await expect.poll(() => text(hosts)).toContain('requests');
    expect(await text(hosts)).toMatch(/pip/);
    expect(await page.getByTestId(`vul-fix-${UUID}`).count()).toBe(0);
    expect(pageErrors).toEqual([]);
  });
});
