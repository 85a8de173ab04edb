import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Locator, Page } from 'playwright-core';
import { AlertService } from '../../src/domain/alerts/alert-service.js';
import { openStore, type Store } from '../../src/store/db.js';
import { assertBuilt, launchBrowser, startVigilServer, type VigilServer, loginToConsole, openPage } from './helpers.js';

const text = async (locator: Locator) => ((await locator.textContent()) ?? '').trim();
const HOST = '33333333-3333-4333-8333-333333333333';

describe('Alerts console page', () => {
  let server: VigilServer | undefined;
  let browser: Browser | undefined;
  let store: Store | undefined;
  let page: Page;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    assertBuilt();
    server = await startVigilServer();
    // The alert enters through the same service the agent hub feeds, writing the server's own database.
    store = openStore({ sqlitePath: join(server.home, 'vigil.db') });
    const account = await store.db.selectFrom('accounts').select('id').executeTakeFirstOrThrow();
    const alerts = new AlertService(store.db, { sendTask: () => Promise.reject(new Error('no agent in this test')) }, { warn: () => undefined });
    const id = await alerts.ingest(account.id, HOST, {
      ruleId: 'revshell.stdio-socket',
      name: 'Reverse shell: shell stdio on a network socket',
      level: 'serious',
      aggKey: '/usr/bin/bash|10.9.8.7:4444',
      details: {
        pid: 31337,
        startTime: 5,
        exe: '/usr/bin/bash',
        cmdline: ['bash', '-i'],
        processChain: [
          { pid: 31337, comm: 'bash', cmdline: ['bash', '-i'] },
          { pid: 31300, comm: 'php-fpm8.2', cmdline: ['php-fpm: pool www'] },
        ],
        fds: [
          { fd: 0, target: 'socket:[998877]' },
          { fd: 1, target: 'socket:[998877]' },
        ],
        peer: { proto: 'tcp', remoteAddress: '10.9.8.7', remotePort: 4444, localPort: 51234 },
        evidence: 'shell bash (pid 31337) has fd 0,1 on tcp 51234 -> 10.9.8.7:4444',
      },
    });
    if (id === null) throw new Error('alert not stored');
    // A self-protection alert as the agent sends it (src/agent/self-protect.ts).
    const tamper = await alerts.ingest(account.id, HOST, {
      ruleId: 'agent.tamper',
      name: 'Vigil agent file tampered with',
      level: 'serious',
      aggKey: '/usr/local/lib/vigil/vigil-agent.mjs|content',
      details: { pid: 4242, comm: 'vigil-agent', file: { path: '/usr/local/lib/vigil/vigil-agent.mjs' }, evidence: '/usr/local/lib/vigil/vigil-agent.mjs was modified (sha256 0123456789abcdef… → fedcba9876543210…)' },
    });
    if (tamper === null) throw new Error('tamper alert not stored');
    browser = await launchBrowser();
    page = await openPage(browser, pageErrors);
  });

  afterAll(async () => {
    await browser?.close();
    await store?.close();
    await server?.stop();
  });

  it('lists the alert, shows its process chain and peer, and ignores it', async () => {
    if (!server) throw new Error('server did not start');
    await loginToConsole(page, server);

    await page.goto(`${server.url}/console/#/detection/alerts`);
    await expect.poll(() => text(page.locator('h3').first())).toBe('Alerts');
    const row = page.locator('[data-testid="alerts-table"] tr', { hasText: 'Reverse shell' });
    await expect.poll(() => text(row)).toContain('Serious');
    expect(await text(row)).toContain('Pending');

    await row.getByText('Reverse shell: shell stdio on a network socket').click();
    await expect.poll(() => text(page.getByTestId('alert-peer'))).toContain('10.9.8.7:4444');
    const chain = await text(page.getByTestId('alert-chain'));
    expect(chain).toContain('bash (pid 31337)');
    expect(chain).toContain('php-fpm8.2 (pid 31300)');
    await page.getByTestId('alert-drawer-handle').click();
    await page.getByTestId('alert-op-ignore').click();
    await page.getByTestId('alert-handle-ok').click();
    // The open drawer follows the alert's new state too.
    await expect.poll(() => text(page.getByTestId('alert-detail').getByTestId('alert-status'))).toBe('Ignored');
    await page.locator('.ant-drawer-close').click();
    await expect.poll(() => text(row.getByTestId('alert-status'))).toBe('Ignored');

    // The status filter reads the new state from the server.
    await page.getByTestId('alerts-status-filter').click();
    await page.locator('.ant-select-dropdown:visible').getByText('Pending', { exact: true }).click();
    await expect.poll(() => page.locator('[data-testid="alerts-table"] tr', { hasText: 'Reverse shell' }).count()).toBe(0);
    expect(pageErrors).toEqual([]);
  }, 90_000);

  it('zh-CN: alert names in Chinese, including the agent self-protection alert and its evidence', async () => {
    if (!server || !browser) throw new Error('server did not start');
    const zh = await openPage(browser, pageErrors, 'zh-CN');
    await loginToConsole(zh, server);
    await zh.goto(`${server.url}/console/#/detection/alerts`);
    await expect.poll(() => text(zh.locator('h3').first())).toBe('安全告警处理');
    const revshell = zh.locator('[data-testid="alerts-table"] tr', { hasText: '反弹 Shell：Shell 的输入输出直连网络' });
    await expect.poll(() => revshell.count()).toBe(1);
    const tamper = zh.locator('[data-testid="alerts-table"] tr', { hasText: 'Vigil 客户端文件被篡改' });
    await expect.poll(() => text(tamper)).toContain('紧急');
    await tamper.getByText('Vigil 客户端文件被篡改').click();
    await expect.poll(() => text(zh.locator('.ant-drawer-title'))).toBe('Vigil 客户端文件被篡改');
    expect(await text(zh.getByTestId('alert-detail'))).toContain('/usr/local/lib/vigil/vigil-agent.mjs was modified');
    expect(pageErrors).toEqual([]);
    await zh.context().close();
  }, 90_000);
});
