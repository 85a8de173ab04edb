import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';

export const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const CHROMIUM_PATH = '/usr/bin/chromium';

const ADMIN_LINE = /Vigil admin account created: user "([^"]+)", password "([^"]+)"/;
const LISTENING_LINE = /Vigil listening on (https?:\/\/\S+)/;

/** Fails with a clear message when `npm run build` has not produced what the browser tests run. */
export function assertBuilt(): void {
  const missing = ['dist/cli/main.js', 'dist/console/index.html'].filter((p) => !existsSync(join(REPO_ROOT, p)));
  if (missing.length > 0) {
    throw new Error(`browser tests need a build; missing ${missing.join(', ')} — run \`npm run build\` first`);
  }
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(`browser tests need ${CHROMIUM_PATH} (Debian package "chromium", listed in scripts/debian-packages.txt)`);
  }
}

/** A loopback TCP port that was free a moment ago. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => {
        if (address && typeof address === 'object') resolve(address.port);
        else reject(new Error('could not read the probe port'));
      });
    });
  });
}

export interface VigilServer {
  /** Base URL printed by the server, e.g. `http://127.0.0.1:41234`. */
  url: string;
  home: string;
  adminUser: string;
  adminPassword: string;
  /** Everything the server printed so far, with the admin password masked. */
  output: () => string;
  stop: () => Promise<void>;
}

function waitForExit(child: ChildProcess, timeoutMs: number): Promise<boolean> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), timeoutMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // Already gone.
  }
}

/**
 * Starts `node bin/vigil.js server` on a fresh home directory and a free port, and waits for the
 * admin-password and "listening" lines of docs/console-api.md.
 */
export async function startVigilServer(readyTimeoutMs = 60_000): Promise<VigilServer> {
  const home = await mkdtemp(join(tmpdir(), 'vigil-browser-'));
  const port = await freePort();
  // detached: the server gets its own process group, so stop() also ends anything it spawns.
  const child = spawn(process.execPath, ['bin/vigil.js', 'server', '--home', home, '--port', String(port)], {
    cwd: REPO_ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
    env: { ...process.env, NO_COLOR: '1' },
  });
  let text = '';
  let adminUser: string | undefined;
  let adminPassword: string | undefined;
  const masked = () => (adminPassword ? text.split(adminPassword).join('********') : text);

  const stop = async () => {
    killGroup(child, 'SIGTERM');
    if (!(await waitForExit(child, 5_000))) {
      killGroup(child, 'SIGKILL');
      await waitForExit(child, 5_000);
    }
    await rm(home, { recursive: true, force: true });
  };

  try {
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`vigil server not ready after ${readyTimeoutMs} ms; output:\n${masked()}`)),
        readyTimeoutMs,
      );
      const onData = (chunk: Buffer) => {
        text += chunk.toString('utf8');
        const admin = ADMIN_LINE.exec(text);
        if (admin) [, adminUser, adminPassword] = admin;
        const listening = LISTENING_LINE.exec(text);
        if (listening?.[1] && adminPassword) {
          clearTimeout(timer);
          resolve(listening[1].replace(/\/+$/, ''));
        }
      };
      child.stdout?.on('data', onData);
      child.stderr?.on('data', onData);
      child.once('error', (error) => {
        clearTimeout(timer);
        reject(error);
      });
      child.once('exit', (code, signal) => {
        clearTimeout(timer);
        reject(new Error(`vigil server exited early (code ${code}, signal ${signal}); output:\n${masked()}`));
      });
    });
    if (adminUser === undefined || adminPassword === undefined) throw new Error('admin account line not seen');
    return { url, home, adminUser, adminPassword, output: masked, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** Debian's Chromium, headless, driven by playwright-core (no browser download). */
export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
}

/** A fresh page in its own context; page errors are collected into `errors`. */
export async function openPage(browser: Browser, errors: string[], locale = 'en-US'): Promise<Page> {
  const context = await browser.newContext({ locale });
  const page = await context.newPage();
  page.setDefaultTimeout(15_000);
  page.on('pageerror', (error) => errors.push(error.message));
  return page;
}

/** Logs in through the console's login form and waits for the overview. */
export async function loginToConsole(page: Page, server: Pick<VigilServer, 'url' | 'adminUser' | 'adminPassword'>): Promise<void> {
  await page.goto(`${server.url}/console/`);
  await page.getByTestId('login-username').fill(server.adminUser);
  await page.getByTestId('login-password').fill(server.adminPassword);
  await page.getByTestId('login-submit').click();
  await page.waitForURL(/#\/overview$/);
}
