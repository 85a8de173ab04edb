import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Locator } from 'playwright-core';
import { assertBuilt, freePort, launchBrowser, loginToConsole, openPage, startVigilServer, type VigilServer } from './helpers.js';

const text = async (locator: Locator) => ((await locator.textContent()) ?? '').trim();

/**
 * The audit page shows each forwarding target's health: a live UDP syslog collector (healthy) and
 * a webhook on a port nobody listens on (failing, queue of 1 so records are dropped and counted).
 */
describe('audit forwarding on the console audit page', () => {
  let server: VigilServer | undefined;
  let browser: Browser | undefined;
  let udp: UdpSocket;
  let received = 0;
  let dir: string;
  const errors: string[] = [];

  beforeAll(async () => {
    assertBuilt();
    udp = createSocket('udp4');
    udp.on('message', () => received++);
    await new Promise<void>((r) => udp.bind(0, '127.0.0.1', r));
    const deadPort = await freePort();
    dir = mkdtempSync(join(tmpdir(), 'vigil-fwd-ui-'));
    const config = join(dir, 'vigil.json');
    writeFileSync(
      config,
      JSON.stringify({
        audit: {
          forward: {
            syslog: { transport: 'udp', host: '127.0.0.1', port: udp.address().port },
            webhook: { url: `http://127.0.0.1:${deadPort}/hook?token=not-shown`, maxQueue: 1, batchSize: 1 },
          },
        },
      }),
    );
    // startVigilServer hands this process's environment to the server it spawns.
    process.env.VIGIL_CONFIG = config;
    try {
      server = await startVigilServer();
    } finally {
      delete process.env.VIGIL_CONFIG;
    }
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    udp?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it.each([
    ['en-US', 'Forwarding to SIEM', 'Healthy', 'Failing'],
    ['zh-CN', '转发到 SIEM', '正常', '失败'],
  ])('%s: lists syslog healthy and the dead webhook failing with drops counted', async (locale, title, healthy, failing) => {
    if (!server || !browser) throw new Error('not started');
    const page = await openPage(browser, errors, locale);
    await loginToConsole(page, server);
    await page.goto(`${server.url}/console/#/audit`);
    const card = page.getByTestId('audit-forwarding');
    await expect.poll(() => text(card.locator('.ant-card-head-title'))).toBe(title);
    const rows = page.locator('[data-testid="audit-forwarding-table"] tr.ant-table-row');
    // Drops need a few records queued behind the failing one: refresh until the counters show them.
    await expect
      .poll(
        async () => {
          await page.getByTestId('audit-refresh').click();
          const webhook = rows.filter({ hasText: 'webhook' });
          return (await webhook.count()) === 1 && Number(await text(webhook.getByTestId('audit-forwarding-dropped'))) > 0 && (await text(webhook.getByTestId('audit-forwarding-health-webhook'))) === failing;
        },
        { timeout: 30_000, interval: 500 },
      )
      .toBe(true);
    expect(await rows.count()).toBe(2);
    await expect.poll(() => text(page.getByTestId('audit-forwarding-health-syslog')), { timeout: 15_000 }).toBe(healthy);
    const webhookRow = await text(rows.filter({ hasText: 'webhook' }));
    expect(webhookRow).toContain(`/hook`);
    expect(webhookRow).not.toContain('not-shown');
    expect(webhookRow).toMatch(/ECONNREFUSED/);
    expect(received).toBeGreaterThan(0);
    expect(errors).toEqual([]);
    await page.context().close();
  });
});
