import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AssetService } from '../../src/domain/assets/asset-service.js';
import { VulnService } from '../../src/domain/vulns/vuln-service.js';
import { migrateToLatest, type Store } from '../../src/store/db.js';
import { openTempStore } from '../helpers/temp-store.js';

const ACC = 'acc-carry';
const T0 = 1_760_000_000_000;

function inventory(opts: { pids: number[]; bashVersion?: string; port?: number; kernel?: string }): Record<string, unknown> {
  return {
    hostname: 'carry-host',
    os: { id: 'debian', prettyName: 'Debian GNU/Linux 12 (bookworm)', versionId: '12', kernel: opts.kernel ?? '6.1.0-18-amd64', arch: 'x86_64' },
    interfaces: [{ name: 'eth0', mac: '52:54:00:00:00:02', ips: ['10.1.2.4'] }],
    processes: opts.pids.map((pid) => ({ pid, ppid: 1, uid: 0, user: 'root', name: `p${pid}`, exe: `/usr/bin/p${pid}`, cmdline: `p${pid}`, startTime: T0 + pid, state: 'S' })),
    ports: [{ proto: 'tcp', bindIp: '0.0.0.0', port: opts.port ?? 22, pid: 1, procName: 'sshd' }],
    software: [
      { source: 'dpkg', name: 'bash', version: opts.bashVersion ?? '5.2.15-2', arch: 'amd64' },
      { source: 'dpkg', name: 'openssl', version: '3.0.11-1', arch: 'amd64' },
    ],
  };
}

/**
 * A snapshot that changes no vulnerability input (packages, listening ports, OS name, kernel) carries
 * the host's evaluation over instead of making the host stale; any input change still re-evaluates.
 */
describe.each(['sqlite', 'postgres'] as const)('vulnerability evaluation across inventory snapshots on %s', (dialect) => {
  let store: Store;
  let cleanup: () => Promise<void>;
  let assets: AssetService;
  let vulns: VulnService;

  beforeAll(async () => {
    ({ store, cleanup } = await openTempStore(dialect, 'vigil-vuln-carry-'));
    await migrateToLatest(store);
    assets = new AssetService(store.db);
    vulns = new VulnService(store.db);
  });
  afterAll(async () => {
    await vulns?.stop();
    await store?.close();
    await cleanup?.();
  });

  const state = async (uuid: string) => store.db.selectFrom('vul_host_state').select(['inventory_at', 'evaluated_at']).where('account_id', '=', ACC).where('uuid', '=', uuid).executeTakeFirst();

  it('carries the evaluation over process-only changes and re-evaluates on package, port and kernel changes', async () => {
    const uuid = 'host-carry-1';
    await assets.ingestInventory(ACC, uuid, inventory({ pids: [1, 2] }), T0 + 1_000);
    expect(await vulns.evaluateStale(ACC)).toBe(1);
    expect(Number((await state(uuid))?.inventory_at)).toBe(T0 + 1_000);
    const evaluatedAt = Number((await state(uuid))?.evaluated_at);

    // Processes came and went: same packages and ports, so the state moves to the new inventory.
    await assets.ingestInventory(ACC, uuid, inventory({ pids: [1, 3] }), T0 + 2_000);
    expect(Number((await state(uuid))?.inventory_at)).toBe(T0 + 2_000);
    expect(Number((await state(uuid))?.evaluated_at)).toBe(evaluatedAt);
    expect(await vulns.evaluateStale(ACC)).toBe(0);

    // Each vulnerability input makes the host stale again.
    const inputs = [inventory({ pids: [1, 3], bashVersion: '5.2.15-2+b7' }), inventory({ pids: [1, 3], bashVersion: '5.2.15-2+b7', port: 8080 }), inventory({ pids: [1, 3], bashVersion: '5.2.15-2+b7', port: 8080, kernel: '6.1.0-20-amd64' })];
    let evaluatedFor = T0 + 2_000;
    for (const [i, inv] of inputs.entries()) {
      const at = T0 + 3_000 + i;
      await assets.ingestInventory(ACC, uuid, inv, at);
      expect(Number((await state(uuid))?.inventory_at)).toBe(evaluatedFor);
      expect(await vulns.evaluateStale(ACC)).toBe(1);
      expect(Number((await state(uuid))?.inventory_at)).toBe(at);
      evaluatedFor = at;
    }
  });

  it('does not carry a state that is not current for the previous inventory', async () => {
    const uuid = 'host-carry-2';
    await assets.ingestInventory(ACC, uuid, inventory({ pids: [1] }), T0 + 1_000);
    expect(await vulns.evaluateStale(ACC)).toBe(1);
    // A package change nobody evaluated yet, then a process-only change: still stale.
    await assets.ingestInventory(ACC, uuid, inventory({ pids: [1], bashVersion: '5.2.21-1' }), T0 + 2_000);
    await assets.ingestInventory(ACC, uuid, inventory({ pids: [2], bashVersion: '5.2.21-1' }), T0 + 3_000);
    expect(Number((await state(uuid))?.inventory_at)).toBe(T0 + 1_000);
    expect(await vulns.evaluateStale(ACC)).toBe(1);
    expect(Number((await state(uuid))?.inventory_at)).toBe(T0 + 3_000);
  });
});
