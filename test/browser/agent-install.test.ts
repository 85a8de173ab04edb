import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { assertBuilt, launchBrowser, startVigilServer, type VigilServer, loginToConsole } from './helpers.js';
import { agentCommand, buildAgentBundle, freePort, rmrf, tempDir } from '../integration/agent-harness.js';
import { startSshd, type TestSshd } from '../integration/sshd-harness.js';

describe('console: agent install page', () => {
  let server: VigilServer | undefined;
  let browser: Browser | undefined;
  let page: Page;

  beforeAll(async () => {
    assertBuilt();
    server = await startVigilServer();
    browser = await launchBrowser();
    page = await (await browser.newContext({ locale: 'en-US' })).newPage();
    page.setDefaultTimeout(15_000);
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('creates an install code, shows the curl and wget commands, and deletes the code', async () => {
    if (!server) throw new Error('server did not start');
    await loginToConsole(page, server);

    await page.goto(`${server.url}/console/#/settings/agent-install`);
    await page.getByTestId('create-install-code').click();
    const curl = page.getByTestId('install-command-curl');
    await curl.waitFor({ state: 'visible' });
    const curlText = ((await curl.textContent()) ?? '').trim();
    const m = /^curl -fsSL '(http:\/\/127\.0\.0\.1:\d+\/agent\/install\.sh\?code=([A-Za-z0-9]+))' \| sudo bash$/.exec(curlText);
    expect(m, curlText).not.toBeNull();
    const [, scriptUrl, code] = m as RegExpExecArray;
    expect(((await page.getByTestId('install-command-wget').textContent()) ?? '').trim()).toBe(`wget -qO- '${scriptUrl}' | sudo bash`);

    // The command is real: the server serves an installer for that code, and the code is listed.
    const script = await (await fetch(scriptUrl as string)).text();
    expect(script).toContain(`VIGIL_CODE='${code}'`);
    const row = page.locator(`tr[data-row-key="${code}"]`);
    await row.waitFor({ state: 'visible' });
    expect(await row.textContent()).toContain('IDC / on-premises');

    await page.getByTestId(`install-code-delete-${code}`).click();
    await page.locator('.ant-popconfirm').getByRole('button', { name: 'Delete' }).click();
    await row.waitFor({ state: 'detached' });
    const refused = await (await fetch(scriptUrl as string)).text();
    expect(refused).toMatch(/does not exist or was deleted/);
  });
});

describe('console: batch install over SSH', () => {
  let server: VigilServer | undefined;
  let browser: Browser | undefined;
  let sshd: TestSshd | undefined;
  const home = tempDir('vigil-batch-ui-home-');
  const prefix = tempDir('vigil-batch-ui-prefix-');

  beforeAll(async () => {
    assertBuilt();
    buildAgentBundle();
    server = await startVigilServer();
    sshd = await startSshd({ VIGIL_HOME: home, VIGIL_PREFIX: prefix, VIGIL_AGENT_FLAGS: '--no-boot', PATH: process.env.PATH ?? '/usr/bin:/bin' });
    browser = await launchBrowser();
  });

  afterAll(async () => {
    if (existsSync(join(home, 'agent.json')) || existsSync(join(home, 'agent.pid'))) await agentCommand(['uninstall', '--home', home]);
    await browser?.close();
    await sshd?.stop();
    await server?.stop();
    rmrf(home, prefix);
  });

  it('runs a batch install with per-host progress: one host installed, one unreachable (en)', async () => {
    if (!server || !browser || !sshd) throw new Error('setup failed');
    const page = await (await browser.newContext({ locale: 'en-US' })).newPage();
    page.setDefaultTimeout(15_000);
    await loginToConsole(page, server);
    await page.goto(`${server.url}/console/#/settings/agent-install`);
    const closed = await freePort();

    // A malformed line is refused in the page, before anything reaches the server.
    await page.getByTestId('batch-hosts').fill('not a host!');
    await page.getByTestId('batch-private-key').fill(sshd.clientKey);
    await page.getByTestId('batch-start').click();
    await page.getByTestId('batch-bad-lines').waitFor({ state: 'visible' });

    await page.getByTestId('batch-hosts').fill(`root@127.0.0.1:${sshd.port}\n127.0.0.1:${closed}`);
    await page.getByTestId('batch-private-key').fill(sshd.clientKey);
    await page.getByTestId('batch-start').click();
    const progress = page.getByTestId('batch-progress');
    await progress.waitFor({ state: 'visible' });
    await page.locator('[data-testid="batch-progress"][data-finished="true"]').waitFor({ state: 'visible', timeout: 90_000 });
    const ok = page.getByTestId(`batch-row-127.0.0.1-${sshd.port}`);
    const bad = page.getByTestId(`batch-row-127.0.0.1-${closed}`);
    expect(await ok.getAttribute('data-result'), sshd.log()).toBe('ok');
    expect(await ok.textContent()).toContain('Installed');
    expect(await bad.getAttribute('data-result')).toBe('connect_failed');
    expect(await bad.textContent()).toContain('Connection failed');
    expect(await page.getByTestId('batch-summary').textContent()).toContain('2 of 2 done: 1 installed, 1 failed');
    // The key field is cleared once the task is submitted.
    expect(await page.getByTestId('batch-private-key').inputValue()).toBe('');
    // The host really enrolled into the temp home through sshd.
    expect(existsSync(join(home, 'agent.json'))).toBe(true);
  });

  it('shows the batch form in Chinese', async () => {
    if (!server || !browser) throw new Error('setup failed');
    const page = await (await browser.newContext({ locale: 'zh-CN' })).newPage();
    page.setDefaultTimeout(15_000);
    await loginToConsole(page, server);
    await page.goto(`${server.url}/console/#/settings/agent-install`);
    await page.getByTestId('batch-install').waitFor({ state: 'visible' });
    expect(await page.getByTestId('batch-install').textContent()).toContain('SSH 批量安装');
    expect(await page.getByTestId('batch-start').textContent()).toContain('开始批量安装');
  });
});
