/**
 * Console pages for intrusion-trace investigation and alert notifications, against
 * `vigil server --local-agent` (a real agent on this machine) in English and Chinese.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Locator, Page } from 'playwright-core';
import { startLocalAgentServer, type LocalAgentServer } from '../helpers/local-agent-server.js';
import { assertBuilt, launchBrowser, loginToConsole, openPage } from './helpers.js';

const text = async (locator: Locator) => ((await locator.textContent()) ?? '').trim();
const planted = `/dev/shm/vigil-ui-trace-${randomBytes(4).toString('hex')}`;
const TOKEN = 'hook-token-that-must-not-show';

describe('intrusion traces and notifications console pages', () => {
  let srv: LocalAgentServer | undefined;
  let browser: Browser | undefined;
  let page: Page;
  let receiver: Server;
  let hookUrl = '';
  const hits: Array<Record<string, unknown>> = [];
  const pageErrors: string[] = [];
  let password = '';

  beforeAll(async () => {
    assertBuilt();
    copyFileSync('/bin/true', planted);
    chmodSync(planted, 0o755);
    receiver = createServer((req, res) => {
      let raw = '';
      req.on('data', (d: Buffer) => (raw += d.toString()));
      req.on('end', () => {
        hits.push(JSON.parse(raw) as Record<string, unknown>);
        res.writeHead(200).end('ok');
      });
    });
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
    hookUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook?token=${TOKEN}`;
    srv = await startLocalAgentServer();
    const reset = spawnSync(process.execPath, ['bin/vigil.js', 'admin', 'reset-password', '--home', srv.home], { encoding: 'utf8' });
    password = /New password for user "root": (\S+)/.exec(reset.stdout)?.[1] ?? '';
    browser = await launchBrowser();
    page = await openPage(browser, pageErrors);
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await srv?.stop();
    receiver?.closeAllConnections();
    await new Promise((r) => receiver?.close(r));
    rmSync(planted, { force: true });
  });

  it('picks a host, runs an investigation and shows explained sections (en, zh-CN)', async () => {
    if (!srv) throw new Error('server did not start');
    expect(password).not.toBe('');
    await loginToConsole(page, { url: srv.url, adminUser: 'root', adminPassword: password });
    await page.getByTestId('nav-intrusionTraces').click();
    await page.waitForURL(/#\/detection\/intrusion-traces$/);
    await expect.poll(() => text(page.locator('h3').first())).toBe('Intrusion traces');
    // The only host (this machine) is preselected once the agent has enrolled.
    await expect.poll(() => page.getByTestId('traces-run').isEnabled(), { timeout: 30_000 }).toBe(true);
    await page.getByTestId('traces-run').click();
    const section = page.getByTestId('trace-section-temp-executables');
    await expect.poll(() => text(section), { timeout: 60_000 }).toContain('Executables in /tmp, /var/tmp and /dev/shm');
    const item = page.getByTestId('trace-item').filter({ hasText: planted });
    await expect.poll(() => text(item)).toContain('Serious');
    expect(await text(item.getByTestId('trace-explanation'))).toContain('A compiled program in a world-writable directory');
    expect(await text(page.getByTestId('traces-history'))).toContain('Done');

    await page.getByTestId('language-switch').getByText('中文').click();
    await expect.poll(() => text(page.locator('h3').first())).toBe('入侵痕迹排查');
    expect(await text(section)).toContain('/tmp、/var/tmp、/dev/shm 中的可执行文件');
    expect(await text(item.getByTestId('trace-explanation'))).toContain('所有人可写目录中的已编译程序');
    expect(await text(item)).toContain('严重');
    await page.getByTestId('language-switch').getByText('English').click();
  }, 120_000);

  it('adds a webhook channel without showing its token, test-sends it, and shows the delivery', async () => {
    await page.getByTestId('nav-notifications').click();
    await page.waitForURL(/#\/settings\/notifications$/);
    await expect.poll(() => text(page.locator('h3').first())).toBe('Notifications');
    await page.getByTestId('notify-add').click();
    await page.getByTestId('notify-name').fill('SOC webhook');
    await page.getByTestId('notify-url').fill(hookUrl);
    await page.getByRole('button', { name: 'Save' }).click();
    const row = page.locator('[data-testid="notify-table"] tr', { hasText: 'SOC webhook' });
    await expect.poll(() => text(row)).toContain('Webhook (JSON)');
    expect(await text(row)).toContain('Never sent');
    expect(await text(page.locator('body'))).not.toContain(TOKEN);
    expect(await text(row)).toContain(`****${TOKEN.slice(-4)}`);

    await row.getByRole('button', { name: 'Send test' }).click();
    await expect.poll(() => hits.length).toBe(1);
    expect(hits[0]).toMatchObject({ source: 'vigil', type: 'test' });
    await expect.poll(() => text(row)).toContain('Delivered');

    await page.getByTestId('language-switch').getByText('中文').click();
    await expect.poll(() => text(page.locator('h3').first())).toBe('通知');
    expect(await text(row)).toContain('成功');
    expect(await text(page.getByTestId('notify-add'))).toBe('添加通知渠道');
    expect(pageErrors).toEqual([]);
  }, 60_000);
});
