import { readFileSync } from 'node:fs';
import { arch, hostname, networkInterfaces, release } from 'node:os';
import type { HostFacts } from './protocol.js';

function osRelease(): string {
  try {
    const text = readFileSync('/etc/os-release', 'utf8');
    const pretty = /^PRETTY_NAME="?([^"\n]*)"?/m.exec(text);
    return pretty?.[1] ?? 'Linux';
  } catch {
    return process.platform;
  }
}

function machineId(): string | undefined {
  for (const f of ['/etc/machine-id', '/var/lib/dbus/machine-id']) {
    try {
      const id = readFileSync(f, 'utf8').trim();
      if (/^[0-9a-f]{32}$/.test(id)) return id;
    } catch {
      // try the next one
    }
  }
  return undefined;
}

/** What the agent tells the server about its host at enrollment and on every hello. */
export function hostFacts(): HostFacts {
  const ips: string[] = [];
  for (const list of Object.values(networkInterfaces())) for (const a of list ?? []) if (!a.internal) ips.push(a.address);
  const id = machineId();
  return { hostname: hostname(), os: osRelease(), kernel: release(), arch: arch(), ips: ips.slice(0, 64), ...(id ? { machineId: id } : {}) };
}
