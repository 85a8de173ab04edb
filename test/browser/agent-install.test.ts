import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { assertBuilt, launchBrowser, startVigilServer, type VigilServer, loginToConsole } from './helpers.js';

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
