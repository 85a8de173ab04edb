import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { popClient } from '../helpers/sdk.js';
import { startLocalAgentServer, until, type LocalAgentServer } from '../helpers/local-agent-server.js';

// Webshell scanning through the agent of `vigil server --local-agent`: a task scans a web root, then
// the agent's watcher finds a file written later without another task.
let webRoot: string;
let srv: LocalAgentServer;

beforeAll(async () => {
  webRoot = mkdtempSync(join(tmpdir(), 'vigil-webroot-'));
  srv = await startLocalAgentServer();
}, 90_000);

afterAll(async () => {
  await srv?.stop();
  rmSync(webRoot, { recursive: true, force: true });
});


interface WebshellRow {
  Uuid: string;
  FilePath: string;
  Sha256: string;
  Rule: string;
  Evidence: string;
  Trigger: string;
}

describe('webshell scanning by the local agent', () => {
  it('a task finds a webshell in a web root; a file written afterwards is found by the watcher', async () => {
    const key = srv.createKey();
    const sas = popClient(srv.url, key.AccessKeyId, key.AccessKeySecret);
    const uuid = await until('agent listed', async () => {
      const r = (await sas.request('DescribeCloudCenterInstances', {})) as { Instances: Array<{ Uuid: string; ClientStatus: string }> };
      return r.Instances.find((i) => i.ClientStatus === 'online')?.Uuid;
    });

    mkdirSync(join(webRoot, 'uploads'));
    const shell = `<?php @eval($_POST['x']); ?>\n`;
    writeFileSync(join(webRoot, 'uploads', 'avatar.php'), shell);
    writeFileSync(join(webRoot, 'index.php'), `<?php echo "hello"; ?>\n`);
    const shellHash = (await import('node:crypto')).createHash('sha256').update(shell).digest('hex');

    const list = async () => ((await sas.request('DescribeWebshellList', { PageSize: 100 })) as { WebshellList: WebshellRow[] }).WebshellList;
    await sas.request('StartWebshellScan', { Uuids: uuid, Paths: webRoot }, { method: 'POST' });
    const first = await until('task finding', async () => (await list()).find((w) => w.FilePath.endsWith('/uploads/avatar.php')));
    expect(first.Uuid).toBe(uuid);
    expect(first.Sha256).toBe(shellHash);
    expect(first.Rule).toMatch(/^php\./);
    expect(first.Evidence).toContain('eval');
    expect(first.Trigger).toBe('task');
    expect((await list()).some((w) => w.FilePath.endsWith('/index.php'))).toBe(false);
    // The same finding reaches the alert pipeline as an `alert` event with rule `webshell`.
    const alert = await until('webshell alert', async () => {
      const r = (await sas.request('DescribeSuspEvents', { PageSize: '100' })) as { SuspEvents: Array<{ EventSubType: string; Uuid: string; Desc: string; Details: unknown }> };
      return r.SuspEvents.find((e) => e.EventSubType === 'webshell' && JSON.stringify(e.Details).includes('avatar.php'));
    });
    expect(alert.Uuid).toBe(uuid);
    expect(alert.Desc).toContain('eval');

    // No new task: the agent watches the root it scanned.
    writeFileSync(join(webRoot, 'uploads', 'thumb.php'), `<?php system($_GET['c']); ?>\n`);
    const second = await until('watcher finding', async () => (await list()).find((w) => w.FilePath.endsWith('/uploads/thumb.php')), 30_000);
    expect(second.Trigger).toBe('watch');
    expect(second.Evidence).toContain('system');
  }, 120_000);
});
