import type { ListeningPort, MiddlewareItem, MiddlewareKind, ProcessItem } from './inventory-types.js';

const BY_NAME: Array<[RegExp, MiddlewareKind]> = [
  [/^nginx$/, 'nginx'],
  [/^(apache2|httpd)$/, 'apache'],
  [/^php-fpm[\d.]*$/, 'php-fpm'],
  [/^redis-server$/, 'redis'],
  [/^(mysqld|mariadbd)$/, 'mysql'],
  [/^(postgres|postmaster)$/, 'postgresql'],
  [/^mongod$/, 'mongodb'],
  [/^(node|nodejs)$/, 'node'],
  [/^java$/, 'java'],
];

function basename(path: string): string {
  const i = path.lastIndexOf('/');
  return i < 0 ? path : path.slice(i + 1);
}

function kindOf(p: ProcessItem): MiddlewareKind | null {
  const names = [p.exe ? basename(p.exe.replace(/ \(deleted\)$/, '')) : '', p.name];
  for (const n of names) {
    for (const [re, kind] of BY_NAME) {
      if (!re.test(n)) continue;
      if (kind === 'java' && /org\.apache\.catalina|catalina\.base|tomcat/i.test(p.cmdline)) return 'tomcat';
      return kind;
    }
  }
  return null;
}

/**
 * Web servers and middleware found among the processes. Worker processes of the same server are
 * folded into their topmost ancestor of the same kind, so one nginx is one entry.
 */
export function detectMiddleware(processes: readonly ProcessItem[], ports: readonly ListeningPort[]): MiddlewareItem[] {
  const byPid = new Map(processes.map((p) => [p.pid, p]));
  const kinds = new Map<number, MiddlewareKind>();
  for (const p of processes) {
    const k = kindOf(p);
    if (k) kinds.set(p.pid, k);
  }
  const rootOf = (pid: number): number => {
    let cur = pid;
    const k = kinds.get(pid);
    for (let hops = 0; hops < 64; hops++) {
      const parent = byPid.get(cur)?.ppid;
      if (parent === undefined || kinds.get(parent) !== k) return cur;
      cur = parent;
    }
    return cur;
  };
  const items = new Map<number, MiddlewareItem>();
  for (const [pid, kind] of kinds) {
    const root = rootOf(pid);
    const rp = byPid.get(root);
    if (!rp) continue;
    if (!items.has(root)) items.set(root, { kind, pid: root, ...(rp.exe ? { exe: rp.exe } : {}), user: rp.user, ports: [] });
  }
  for (const port of ports) {
    if (port.pid === undefined || !kinds.has(port.pid)) continue;
    const item = items.get(rootOf(port.pid));
    if (item && !item.ports.includes(port.port)) item.ports.push(port.port);
  }
  for (const item of items.values()) item.ports.sort((a, b) => a - b);
  return [...items.values()].sort((a, b) => a.pid - b.pid);
}
