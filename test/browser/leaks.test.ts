import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Locator, Page } from 'playwright-core';
import { assertBuilt, launchBrowser, startVigilServer, type VigilServer, loginToConsole, openPage } from './helpers.js';

const text = async (locator: Locator) => ((await locator.textContent()) ?? '').trim();

/** Calls an action as the logged-in browser does (session cookie + CSRF token). */
async function act<T>(page: Page, name: string, params: object): Promise<T> {
  return page.evaluate(
    async ([n, p]) => {
      const session = (await (await fetch('/api/session')).json()) as { CsrfToken: string };
      const r = await fetch(`/api/${n}`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-csrf-token': session.CsrfToken }, body: JSON.stringify(p) });
      return (await r.json()) as T;
    },
    [name, params] as const,
  );
}

function git(repo: string, ...args: string[]): void {
  execFileSync('git', ['-C', repo, ...args], {
    env: { ...process.env, GIT_AUTHOR_NAME: 'Leaky Dev', GIT_AUTHOR_EMAIL: 'leaky@example.test', GIT_COMMITTER_NAME: 'Leaky Dev', GIT_COMMITTER_EMAIL: 'leaky@example.test', GIT_CONFIG_NOSYSTEM: '1', HOME: tmpdir() },
  });
}

describe('AK leaks console page', () => {
  let server: VigilServer | undefined;
  let browser: Browser | undefined;
  let page: Page;
  let repo: string;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    assertBuilt();
    repo = mkdtempSync(join(tmpdir(), 'vigil-leakrepo-'));
    server = await startVigilServer();
    browser = await launchBrowser();
    page = await openPage(browser, pageErrors);
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    rmSync(repo, { recursive: true, force: true });
  });

  it('adds a git repo, scans it, lists the leaked Vigil key with its owner and disables it', async () => {
    if (!server) throw new Error('server did not start');
    await loginToConsole(page, server);

    const created = await act<{ AccessKey: { AccessKeyId: string; AccessKeySecret: string } }>(page, 'CreateAccessKey', {});
    const key = created.AccessKey;
    git(repo, 'init', '-q', '-b', 'main');
    writeFileSync(join(repo, 'settings.py'), `ALIYUN_ACCESS_KEY_ID = "${key.AccessKeyId}"\nALIYUN_ACCESS_KEY_SECRET = "${key.AccessKeySecret}"\n`);
    git(repo, 'add', '.');
    git(repo, 'commit', '-q', '-m', 'settings');

    await page.getByTestId('nav-akLeaks').click();
    await page.waitForURL(/#\/detection\/ak-leaks$/);
    await expect.poll(() => text(page.locator('h3').first())).toBe('AK leaks');
    await page.getByTestId('leaks-source-location').fill(repo);
    await page.getByTestId('leaks-source-add').click();
    await expect.poll(() => text(page.locator('.ant-card').first())).toContain(repo);
    await page.getByTestId('leaks-scan-all').click();

    const row = page.locator('[data-testid="leaks-table"] tr', { hasText: key.AccessKeyId });
    await expect.poll(() => text(row)).toContain(server.adminUser);
    expect(await text(row)).toContain('Leaky Dev');
    expect(await text(row)).toContain('Pending');
    expect(await text(row)).toContain('settings.py:2');

    await row.getByText(key.AccessKeyId).click();
    await expect.poll(() => text(page.getByTestId('leak-excerpt'))).toContain(`${key.AccessKeySecret.slice(0, 4)}****${key.AccessKeySecret.slice(-2)}`);
    expect(await text(page.getByTestId('leak-excerpt'))).not.toContain(key.AccessKeySecret);
    await page.keyboard.press('Escape');

    await row.getByRole('button', { name: 'Disable key' }).click();
    await page.locator('.ant-popconfirm:visible').getByRole('button', { name: 'OK' }).click();
    await expect.poll(() => text(row)).toContain('Key disabled');
    const keys = await act<{ AccessKeys: { AccessKey: Array<{ AccessKeyId: string; Status: string }> } }>(page, 'ListAccessKeys', {});
    expect(keys.AccessKeys.AccessKey.find((k) => k.AccessKeyId === key.AccessKeyId)?.Status).toBe('Inactive');
    expect(pageErrors).toEqual([]);
  }, 90_000);
});
