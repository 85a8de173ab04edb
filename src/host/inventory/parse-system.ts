import type { KernelModule } from './inventory-types.js';

/** Parse /etc/os-release (`KEY=value`, values optionally quoted with shell escapes). */
export function parseOsRelease(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const m = /^([A-Z0-9_]+)=(.*)$/.exec(line.trim());
    if (!m?.[1]) continue;
    let v = (m[2] ?? '').trim();
    const q = v[0];
    if ((q === '"' || q === "'") && v.endsWith(q) && v.length >= 2) {
      v = v.slice(1, -1);
      if (q === '"') v = v.replace(/\\(["$`\\])/g, '$1');
    }
    out[m[1]] = v;
  }
  return out;
}

/** CPU model and logical processor count from /proc/cpuinfo (x86 `model name`, ARM `Hardware`/`CPU part`). */
export function parseCpuInfo(text: string): { model: string; processors: number } {
  let model = '';
  let processors = 0;
  for (const line of text.split('\n')) {
    const idx = line.indexOf(':');
    if (idx < 0) continue;
    const key = line.slice(0, idx).trim();
    const value = line.slice(idx + 1).trim();
    if (key === 'processor') processors++;
    else if (!model && (key === 'model name' || key === 'Hardware' || key === 'cpu model' || key === 'cpu')) model = value;
  }
  return { model, processors };
}

/** MemTotal of /proc/meminfo in bytes, or 0. */
export function parseMemTotal(text: string): number {
  const m = /^MemTotal:\s+(\d+)\s*kB/m.exec(text);
  return m ? Number(m[1]) * 1024 : 0;
}

/** /proc/modules: `name size refcount deps state offset`. */
export function parseModules(text: string): KernelModule[] {
  const out: KernelModule[] = [];
  for (const line of text.split('\n')) {
    const cols = line.trim().split(/\s+/);
    if (cols.length < 5 || !cols[0]) continue;
    const deps = cols[3] ?? '-';
    out.push({
      name: cols[0],
      size: Number(cols[1]) || 0,
      refCount: Number(cols[2]) || 0,
      usedBy: deps === '-' ? [] : deps.split(',').filter((d) => d !== ''),
      state: cols[4] ?? '',
    });
  }
  return out;
}
