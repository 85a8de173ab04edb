import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { popClient } from '../helpers/sdk.js';
import { startLocalAgentServer, until, type LocalAgentServer } from '../helpers/local-agent-server.js';

// The Quick start's first command runs `vigil server --local-agent`: one process, SQLite, and an
// agent protecting the machine it runs on. This drives the built CLI exactly that way.
let srv: LocalAgentServer;

beforeAll(async () => {
  srv = await startLocalAgentServer();
});

afterAll(async () => {
  await srv?.stop();
});

describe('vigil server --local-agent', () => {
  it('enrolls the local agent, reports it online and lists this machine in the asset center', async () => {
    const key = srv.createKey();
    const sas = popClient(srv.url, key.AccessKeyId, key.AccessKeySecret);
    await until('agent online', async () => ((await sas.request('DescribeSummaryInfo', {})).AegisClientOnlineCount === 1 ? true : undefined));
    const instances = await until('inventory ingested', async () => {
      const r = (await sas.request('DescribeCloudCenterInstances', {})) as { Instances: Array<{ ClientStatus: string; Os: string; Kernel: string }> };
      return r.Instances.length === 1 && r.Instances[0]?.Kernel ? r.Instances : undefined;
    });
    expect(instances[0]?.ClientStatus).toBe('online');
    const kernel = spawnSync('uname', ['-r'], { encoding: 'utf8' }).stdout.trim();
    expect(instances[0]?.Kernel).toBe(kernel);
    expect(existsSync(join(srv.home, 'local-agent'))).toBe(true);
  });
});
