import { lstat, readFile, readlink } from 'node:fs/promises';
import type { HostFs } from './fs-read.js';
import type { KernelModule, ServiceItem } from './inventory-types.js';
import { parseModules } from './parse-system.js';

const UNIT_DIRS = ['/etc/systemd/system', '/run/systemd/system', '/lib/systemd/system', '/usr/lib/systemd/system'];
const UNIT_SUFFIX = /\.(service|socket|timer|path|mount)$/;
const MAX_UNITS = 5000;

/**
 * systemd units (enabled = linked from a `*.wants`/`*.requires` dir under /etc/systemd/system),
 * SysV init scripts (enabled = an `S??name` link in some /etc/rc?.d), and an executable rc.local.
 * Read from the file system, so it works without systemd running (containers, this machine).
 */
export async function collectServices(fs: HostFs): Promise<ServiceItem[]> {
  const enabled = new Set<string>();
  for (const d of await fs.list('/etc/systemd/system')) {
    if (!/\.(wants|requires)$/.test(d)) continue;
    for (const unit of await fs.list(`/etc/systemd/system/${d}`)) enabled.add(unit);
  }
  const units = new Map<string, ServiceItem>();
  for (const dir of UNIT_DIRS) {
    for (const name of await fs.list(dir)) {
      if (!UNIT_SUFFIX.test(name) || units.has(name) || units.size >= MAX_UNITS) continue;
      // A unit linked to /dev/null is masked: present but never started.
      let masked = false;
      try {
        const st = await lstat(fs.path(`${dir}/${name}`));
        if (st.isSymbolicLink()) {
          masked = (await readlink(fs.path(`${dir}/${name}`))) === '/dev/null';
        }
      } catch {
        continue;
      }
      units.set(name, { kind: 'systemd', name, enabled: enabled.has(name) && !masked, path: `${dir}/${name}` });
    }
  }
  const out = [...units.values()];

  const sysvEnabled = new Set<string>();
  for (const level of ['2', '3', '4', '5', 'S']) {
    for (const link of await fs.list(`/etc/rc${level}.d`)) {
      const m = /^S\d\d(.+)$/.exec(link);
      if (m?.[1]) sysvEnabled.add(m[1]);
    }
  }
  for (const name of await fs.list('/etc/init.d')) {
    if (name.startsWith('.') || name === 'README' || name === 'skeleton') continue;
    out.push({ kind: 'sysv', name, enabled: sysvEnabled.has(name), path: `/etc/init.d/${name}` });
  }
  try {
    const st = await lstat(fs.path('/etc/rc.local'));
    out.push({ kind: 'rc.local', name: 'rc.local', enabled: (st.mode & 0o111) !== 0, path: '/etc/rc.local' });
  } catch {
    // No rc.local: nothing to report.
  }
  return out;
}

export async function collectModules(fs: HostFs, procRoot: string): Promise<KernelModule[]> {
  try {
    return parseModules(await readFile(`${procRoot}/modules`, 'utf8'));
  } catch (err) {
    fs.warn(`${procRoot}/modules: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
    return [];
  }
}
