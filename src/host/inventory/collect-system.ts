import { hostname as osHostname, machine, networkInterfaces, release } from 'node:os';
import type { HostFs } from './fs-read.js';
import type { HardwareInfo, NetworkInterfaceInfo, OsInfo } from './inventory-types.js';
import { parseCpuInfo, parseMemTotal, parseOsRelease } from './parse-system.js';

export async function collectOs(fs: HostFs): Promise<OsInfo> {
  const text = (await fs.text('/etc/os-release')) ?? (await fs.text('/usr/lib/os-release'));
  if (text === null) fs.warn('os-release: not found');
  const r = parseOsRelease(text ?? '');
  return { id: r.ID ?? 'linux', prettyName: r.PRETTY_NAME ?? r.NAME ?? 'Linux', versionId: r.VERSION_ID ?? '', kernel: release(), arch: machine() };
}

export async function collectHardware(fs: HostFs): Promise<HardwareInfo> {
  const cpu = parseCpuInfo((await fs.text('/proc/cpuinfo', 4 * 1024 * 1024, false)) ?? '');
  const mem = parseMemTotal((await fs.text('/proc/meminfo', 1024 * 1024, false)) ?? '');
  return { cpuModel: cpu.model, cores: cpu.processors, memTotalBytes: mem };
}

export async function collectHostname(fs: HostFs): Promise<string> {
  return ((await fs.text('/proc/sys/kernel/hostname')) ?? osHostname()).trim() || osHostname();
}

/** Interfaces with their MAC (/sys/class/net/<if>/address) and addresses (os.networkInterfaces). */
export async function collectInterfaces(fs: HostFs): Promise<NetworkInterfaceInfo[]> {
  const byName = new Map<string, NetworkInterfaceInfo>();
  for (const name of await fs.list('/sys/class/net')) {
    const mac = ((await fs.text(`/sys/class/net/${name}/address`)) ?? '').trim();
    byName.set(name, { name, mac, ips: [] });
  }
  for (const [name, addrs] of Object.entries(networkInterfaces())) {
    const entry = byName.get(name) ?? { name, mac: '', ips: [] };
    for (const a of addrs ?? []) {
      if (!entry.mac && a.mac !== '00:00:00:00:00:00') entry.mac = a.mac;
      entry.ips.push(a.address);
    }
    byName.set(name, entry);
  }
  return [...byName.values()].sort((a, b) => a.name.localeCompare(b.name));
}
