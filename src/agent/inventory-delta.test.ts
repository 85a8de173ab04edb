import { describe, expect, it } from 'vitest';
import type { HostInventory } from '../host/inventory/inventory-types.js';
import { inventoryDelta, inventoryHash, inventoryItems } from './inventory-delta.js';
import { inventoryScheduleMs } from './inventory-feature.js';

const inv = (over: Partial<HostInventory>): HostInventory =>
  ({ collectedAt: 1, hostname: 'h', os: { id: 'debian' }, hardware: {}, interfaces: [], processes: [], ports: [], accounts: [], software: [], cron: [], services: [], modules: [], middleware: [], warnings: [], ...over }) as unknown as HostInventory;

describe('inventory deltas', () => {
  it('hashes content, not collection time', () => {
    const a = inv({ software: [{ source: 'dpkg', name: 'bash', version: '5.2' }] });
    expect(inventoryHash(a)).toBe(inventoryHash({ ...a, collectedAt: 999 }));
    expect(inventoryHash(a)).not.toBe(inventoryHash({ ...a, software: [{ source: 'dpkg', name: 'bash', version: '5.3' }] }));
  });

  it('lists added and removed items per changed section, duplicates counted', () => {
    const cron = { source: '/etc/crontab', user: 'root', period: '* * * * *', command: 'x' };
    const a = inv({ software: [{ source: 'dpkg', name: 'bash', version: '5.2' }, { source: 'dpkg', name: 'curl', version: '7' }], cron: [cron, cron] });
    const b = inv({ software: [{ source: 'dpkg', name: 'bash', version: '5.3' }, { source: 'dpkg', name: 'curl', version: '7' }], cron: [cron], hostname: 'h2' });
    const d = inventoryDelta(a, b, 'base', 'next');
    expect(d).toMatchObject({ base: 'base', hash: 'next', host: { hostname: 'h2' } });
    expect(d.host).not.toHaveProperty('software');
    expect(d.sections).toEqual({
      software: { added: [{ source: 'dpkg', name: 'bash', version: '5.3' }], removed: [{ source: 'dpkg', name: 'bash', version: '5.2' }] },
      cron: { added: [], removed: [cron] },
    });
    expect(inventoryDelta(a, a, 'x', 'x').sections).toEqual({});
  });

  it('computes the same delta from the kept item JSON as from the inventory itself', () => {
    const a = inv({ software: [{ source: 'dpkg', name: 'bash', version: '5.2' }], processes: [{ pid: 1, comm: 'init' }, { pid: 2, comm: 'sshd' }] as never });
    const b = inv({ software: [{ source: 'dpkg', name: 'bash', version: '5.2' }, { source: 'dpkg', name: 'curl', version: '8' }], processes: [{ pid: 1, comm: 'init' }] as never });
    const items = inventoryItems(a);
    expect(items.software).toEqual([JSON.stringify({ source: 'dpkg', name: 'bash', version: '5.2' })]);
    expect(inventoryDelta(items, b, 'base', 'next')).toEqual(inventoryDelta(a, b, 'base', 'next'));
    expect(inventoryDelta(items, b, 'base', 'next').sections).toEqual({
      software: { added: [{ source: 'dpkg', name: 'curl', version: '8' }], removed: [] },
      processes: { added: [], removed: [{ pid: 2, comm: 'sshd' }] },
    });
  });

  it('reads the schedule from VIGIL_INVENTORY_INTERVAL_SEC within bounds', () => {
    expect(inventoryScheduleMs({ VIGIL_INVENTORY_INTERVAL_SEC: '900' })).toBe(900_000);
    expect(inventoryScheduleMs({ VIGIL_INVENTORY_INTERVAL_SEC: '5' })).toBe(6 * 3_600_000);
    expect(inventoryScheduleMs({ VIGIL_INVENTORY_INTERVAL_SEC: 'soon' })).toBe(6 * 3_600_000);
    expect(inventoryScheduleMs({})).toBe(6 * 3_600_000);
  });
});
