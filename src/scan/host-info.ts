import { readFileSync } from 'node:fs';
import { hostname, release, type } from 'node:os';
import type { HostFacts } from './report-types.js';

/** KEY=value pairs of an os-release file (quotes removed). */
export function parseOsRelease(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const m = /^([A-Z0-9_]+)=(.*)$/.exec(line.trim());
    if (!m?.[1]) continue;
    let v = m[2] ?? '';
    if ((v.startsWith('"') && v.endsWith('"')) || (v.startsWith("'") && v.endsWith("'"))) v = v.slice(1, -1);
    out[m[1]] = v.replace(/\\(["'$`\\])/g, '$1');
  }
  return out;
}

export function readOsRelease(): Record<string, string> {
  for (const p of ['/etc/os-release', '/usr/lib/os-release']) {
    try {
      return parseOsRelease(readFileSync(p, 'utf8'));
    } catch {
      // try the next location
    }
  }
  return {};
}

export function collectHostFacts(): HostFacts {
  const os = readOsRelease();
  return { hostname: hostname(), os: os.PRETTY_NAME ?? os.NAME ?? type(), kernel: release() };
}
