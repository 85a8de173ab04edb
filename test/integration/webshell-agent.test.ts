import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
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

  it('a webshell written into a watched root alerts; quara moves it out, it is listed, and rollback restores it byte-identical', async () => {
    const key = srv.createKey();
    const sas = popClient(srv.url, key.AccessKeyId, key.AccessKeySecret);
    const uuid = await until('agent listed', async () => {
      const r = (await sas.request('DescribeCloudCenterInstances', {})) as { Instances: Array<{ Uuid: string; ClientStatus: string }> };
      return r.Instances.find((i) => i.ClientStatus === 'online')?.Uuid;
    });
    // A root of its own, scanned once by a task so the agent watches it.
    const root = mkdtempSync(join(tmpdir(), 'vigil-webroot-quara-'));
    try {
      writeFileSync(join(root, 'index.php'), `<?php echo date('Y'); ?>\n`);
      // A seed shell: its task finding proves the task ran, and the agent watches a root once its task scanned it.
      writeFileSync(join(root, 'seed.php'), `<?php passthru($_GET['cmd']); ?>\n`);
      await sas.request('StartWebshellScan', { Uuids: uuid, Paths: root }, { method: 'POST' });
      await until('task over the new root', async () => {
        const t = (await sas.request('DescribeWebshellList', { PageSize: 100 })) as { WebshellList: WebshellRow[] };
        return t.WebshellList.find((w) => w.FilePath === join(root, 'seed.php'));
      });

      // Bytes that are not plain ASCII, so "byte-identical" means something.
      const shell = Buffer.concat([Buffer.from(`<?php /* \u00e9t\u00e9 */ $f = base64_decode('YXNzZXJ0'); $f($_REQUEST['pass']); ?>\n`, 'utf8'), Buffer.from([0xc3, 0xa9, 0x0a])]);
      const path = join(root, 'wp-content', 'uploads', 'cache.php');
      mkdirSync(join(root, 'wp-content', 'uploads'), { recursive: true });
      const written = Date.now();
      writeFileSync(path, shell, { mode: 0o640 });
      type Ev = { Id: number; EventSubType: string; Uuid: string; DetailsJson: string; SupportOperateCode: string; EventStatus: number; OperateMsg: string };
      const find = async () => {
        const r = (await sas.request('DescribeSuspEvents', { PageSize: '100' }, { method: 'POST' })) as { SuspEvents: Ev[] };
        return r.SuspEvents.find((e) => e.EventSubType === 'webshell' && (JSON.parse(e.DetailsJson) as { file?: { path?: string } }).file?.path === path);
      };
      const alert = await until('webshell alert from the watcher', find, 30_000);
      // The 5 s figure of the issue is recorded in bench/README.md, not asserted here (shared machine).
      console.log(`webshell watcher: write → alert listed in ${Date.now() - written} ms`);
      expect(alert.Uuid).toBe(uuid);
      expect(alert.SupportOperateCode.split(',')).toContain('quara');
      expect((JSON.parse(alert.DetailsJson) as { evidence?: string }).evidence).toMatch(/assert|base64_decode/);

      const op = (await sas.request('HandleSecurityEvents', { OperationCode: 'quara', SecurityEventIds: [String(alert.Id)] }, { method: 'POST' })) as {
        HandleSecurityEventsResponse: { TaskId: number };
      };
      const status = await until('quara result', async () => {
        const r = (await sas.request('DescribeSecurityEventOperationStatus', { TaskId: op.HandleSecurityEventsResponse.TaskId, SecurityEventIds: [String(alert.Id)] }, { method: 'POST' })) as {
          SecurityEventOperationStatusResponse: { TaskStatus: string };
        };
        const s = r.SecurityEventOperationStatusResponse.TaskStatus;
        return s === 'Processing' ? undefined : s;
      });
      expect(status).toBe('Success');
      expect(existsSync(path)).toBe(false);
      expect((await find())?.EventStatus).toBe(32);

      type Quara = { Id: number; Path: string; Status: string; Sha256: string; Uuid?: string };
      const q = (await sas.request('DescribeSuspEventQuaraFiles', { CurrentPage: '1', PageSize: '20' }, { method: 'POST' })) as { QuaraFiles: Quara[] };
      const file = q.QuaraFiles.find((f) => f.Path === path);
      expect(file?.Status).toBe('quaraDone');
      expect(file?.Sha256).toBe((await import('node:crypto')).createHash('sha256').update(shell).digest('hex'));

      await sas.request('RollbackSuspEventQuaraFile', { QuaraFileId: file?.Id }, { method: 'POST' });
      expect(readFileSync(path).equals(shell)).toBe(true);
      expect(statSync(path).mode & 0o777).toBe(0o640);
      const after = (await sas.request('DescribeSuspEventQuaraFiles', {}, { method: 'POST' })) as { QuaraFiles: Quara[] };
      expect(after.QuaraFiles.find((f) => f.Id === file?.Id)?.Status).toBe('rollbackDone');
      // A second rollback of the same file is refused with a clear error, and the server keeps serving.
      await expect(sas.request('RollbackSuspEventQuaraFile', { QuaraFileId: file?.Id }, { method: 'POST' })).rejects.toThrow(/is rollbackDone/);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  }, 120_000);
});
