import { createHash, randomUUID } from 'node:crypto';
import { chmodSync, chownSync, copyFileSync, createReadStream, existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, readlinkSync, renameSync, rmSync, statSync } from 'node:fs';
import { dirname, isAbsolute, join, normalize } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { RESPONSE_TASK } from '../domain/alerts/alert-types.js';
import { Blocker, validateBlockTarget } from '../respond/block/index.js';
import { writeFileAtomic } from './home.js';
import { registerTask } from './task-handlers.js';

export interface ResponseOptions {
  /** Agent home; quarantined files live under `<home>/quarantine/<id>/`. */
  home: string;
  /** Allow block_ip on loopback (tests inside a network namespace only); never set from the server. */
  allowLoopbackBlock?: boolean;
  procRoot?: string;
}

export interface QuarantineManifest {
  id: string;
  originalPath: string;
  mode: number;
  uid: number;
  gid: number;
  size: number;
  sha256: string;
  quarantinedAt: number;
}

interface Stat {
  state: string;
  ppid: number;
  pgid: number;
  startTime: number;
  comm: string;
}

const SHELLS = new Set(['sh', 'bash', 'dash', 'zsh', 'ksh', 'mksh', 'ash', 'busybox', 'fish', 'tcsh', 'csh']);
/** Quarantine refuses these trees: moving a system binary (the shell of a reverse shell, say) breaks the host. */
const PROTECTED_DIRS = ['/usr/', '/bin/', '/sbin/', '/lib/', '/lib32/', '/lib64/', '/libx32/', '/etc/', '/boot/', '/proc/', '/sys/', '/dev/', '/run/'];
const QUARA_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

function readStat(procRoot: string, pid: number): Stat | null {
  let text: string;
  try {
    text = readFileSync(`${procRoot}/${pid}/stat`, 'utf8');
  } catch {
    return null;
  }
  const open = text.indexOf('(');
  const close = text.lastIndexOf(')');
  if (open < 0 || close < open) return null;
  const rest = text.slice(close + 2).trim().split(/\s+/);
  // rest[N - 3] is field N of proc(5): 3 state, 4 ppid, 5 pgrp, 22 starttime.
  return { state: rest[0] ?? '', ppid: Number(rest[1]), pgid: Number(rest[2]), startTime: Number(rest[19]), comm: text.slice(open + 1, close) };
}

/** Every process below `roots` (children, their children …), read before anything is killed: orphans move to init. */
function descendantsOf(procRoot: string, roots: ReadonlySet<number>): Array<{ pid: number; st: Stat }> {
  const children = new Map<number, Array<{ pid: number; st: Stat }>>();
  let names: string[] = [];
  try {
    names = readdirSync(procRoot);
  } catch {
    return [];
  }
  for (const n of names) {
    if (!/^\d+$/.test(n)) continue;
    const st = readStat(procRoot, Number(n));
    if (!st) continue;
    const l = children.get(st.ppid);
    if (l) l.push({ pid: Number(n), st });
    else children.set(st.ppid, [{ pid: Number(n), st }]);
  }
  const out: Array<{ pid: number; st: Stat }> = [];
  const seen = new Set(roots);
  const queue = [...roots];
  while (queue.length > 0) {
    for (const c of children.get(queue.shift() as number) ?? []) {
      if (seen.has(c.pid)) continue;
      seen.add(c.pid);
      out.push(c);
      queue.push(c.pid);
    }
  }
  return out;
}

function alive(procRoot: string, pid: number, startTime: number): boolean {
  const s = readStat(procRoot, pid);
  return s !== null && s.startTime === startTime && s.state !== 'Z' && s.state !== 'X';
}

function num(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isSafeInteger(v) && v > 0 ? v : undefined;
}

/**
 * Kills the shell (and the relay holding the socket) after checking each is still the process the
 * alert saw, and everything running below them (the attacker's commands, a nested `sh -i`).
 */
export async function killProcesses(params: unknown, procRoot = '/proc'): Promise<{ killed: number[]; groups: number[] }> {
  const p = (typeof params === 'object' && params !== null ? params : {}) as Record<string, unknown>;
  const pid = num(p.pid);
  if (pid === undefined) throw new Error('kill_process needs a pid');
  const targets: Array<{ pid: number; startTime: number | undefined }> = [{ pid, startTime: num(p.startTime) }];
  const holder = num(p.holderPid);
  if (holder !== undefined && holder !== pid) targets.push({ pid: holder, startTime: num(p.holderStartTime) });
  const self = readStat(procRoot, process.pid);
  const live: Array<{ pid: number; st: Stat }> = [];
  for (const t of targets) {
    if (t.pid <= 1 || t.pid === process.pid || t.pid === process.ppid) throw new Error(`refusing to kill pid ${t.pid} (init or the agent itself)`);
    const st = readStat(procRoot, t.pid);
    if (!st || st.state === 'Z' || st.state === 'X') {
      if (t.pid === pid) throw new Error(`process ${t.pid} is no longer running`);
      continue;
    }
    if (t.startTime !== undefined && st.startTime !== t.startTime) {
      if (t.pid === pid) throw new Error(`pid ${t.pid} now belongs to another process (start time ${st.startTime}, expected ${t.startTime}); not killed`);
      continue;
    }
    if (t.startTime === undefined && t.pid === pid && typeof p.exe === 'string') {
      let exe = '';
      try {
        exe = readlinkSync(`${procRoot}/${t.pid}/exe`);
      } catch {
        // unreadable exe: fall through to the comparison failing
      }
      if (exe !== p.exe) throw new Error(`pid ${t.pid} runs ${exe || 'an unreadable executable'}, not ${p.exe}; not killed`);
    }
    live.push({ pid: t.pid, st });
  }
  const pids = new Set(live.map((l) => l.pid));
  for (const d of descendantsOf(procRoot, pids)) {
    if (d.pid <= 1 || d.pid === process.pid || d.pid === process.ppid) continue;
    live.push(d);
    pids.add(d.pid);
  }
  const groups = new Set<number>();
  for (const l of live) {
    const g = l.st.pgid;
    if (g <= 1 || g === self?.pgid) continue;
    // The whole group only when its leader is part of the attack (the shell, the relay, or a shell
    // that started them): a shell spawned by a web server shares the server's group, which must live.
    const leader = readStat(procRoot, g);
    if (pids.has(g) || (leader && SHELLS.has(leader.comm))) groups.add(g);
  }
  for (const g of groups) {
    try {
      process.kill(-g, 'SIGKILL');
    } catch {
      // the group may be gone already; the per-pid kill below decides
    }
  }
  for (const l of live) {
    try {
      if (readStat(procRoot, l.pid)?.startTime !== l.st.startTime) continue;
      process.kill(l.pid, 'SIGKILL');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ESRCH') throw err;
    }
  }
  for (let i = 0; i < 50 && live.some((l) => alive(procRoot, l.pid, l.st.startTime)); i++) await delay(100);
  const still = live.filter((l) => alive(procRoot, l.pid, l.st.startTime));
  if (still.length > 0) throw new Error(`process ${still.map((l) => l.pid).join(',')} survived SIGKILL`);
  return { killed: live.map((l) => l.pid), groups: [...groups] };
}

async function sha256File(path: string): Promise<string> {
  const h = createHash('sha256');
  for await (const chunk of createReadStream(path)) h.update(chunk as Buffer);
  return h.digest('hex');
}

function moveFile(from: string, to: string): void {
  try {
    renameSync(from, to);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EXDEV') throw err;
    copyFileSync(from, to);
    rmSync(from);
  }
}

/** Moves a file into `<home>/quarantine/<id>/file` (not executable) with a manifest to restore it. */
export async function quarantineFile(home: string, params: unknown): Promise<QuarantineManifest> {
  const raw = (params as { path?: unknown } | null)?.path;
  if (typeof raw !== 'string' || !isAbsolute(raw) || raw.length > 4096) throw new Error('quara needs an absolute file path');
  const path = normalize(raw);
  const root = join(home, 'quarantine');
  if (PROTECTED_DIRS.some((d) => path.startsWith(d))) throw new Error(`refusing to quarantine ${path}: system directory (a package owns it; repair the package instead)`);
  if (path.startsWith(normalize(home) + '/')) throw new Error(`refusing to quarantine the agent's own files (${path})`);
  const st = lstatSync(path);
  if (!st.isFile()) throw new Error(`${path} is not a regular file`);
  const sha256 = await sha256File(path);
  const id = randomUUID();
  const dir = join(root, id);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const manifest: QuarantineManifest = { id, originalPath: path, mode: st.mode & 0o7777, uid: st.uid, gid: st.gid, size: st.size, sha256, quarantinedAt: Date.now() };
  writeFileAtomic(join(dir, 'manifest.json'), JSON.stringify(manifest));
  try {
    moveFile(path, join(dir, 'file'));
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
  chmodSync(join(dir, 'file'), 0o400);
  return manifest;
}

/** Puts a quarantined file back with its mode and owner; refuses when the path is taken or the content changed. */
export async function restoreFile(home: string, params: unknown): Promise<{ restored: string }> {
  const id = (params as { id?: unknown } | null)?.id;
  if (typeof id !== 'string' || !QUARA_ID.test(id)) throw new Error('quara_restore needs a quarantine id');
  const dir = join(home, 'quarantine', id);
  let m: QuarantineManifest;
  try {
    m = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as QuarantineManifest;
  } catch {
    throw new Error(`no quarantined file ${id}`);
  }
  const file = join(dir, 'file');
  if (!existsSync(file)) throw new Error(`quarantined file ${id} is missing from ${dir}`);
  if ((await sha256File(file)) !== m.sha256) throw new Error(`quarantined file ${id} changed since it was quarantined; not restored`);
  if (existsSync(m.originalPath)) throw new Error(`${m.originalPath} exists again; not overwritten`);
  mkdirSync(dirname(m.originalPath), { recursive: true });
  moveFile(file, m.originalPath);
  chmodSync(m.originalPath, m.mode);
  chownSync(m.originalPath, m.uid, m.gid);
  rmSync(dir, { recursive: true, force: true });
  if (!statSync(m.originalPath).isFile()) throw new Error(`restore of ${m.originalPath} failed`);
  return { restored: m.originalPath };
}

/** block_ip: refuses loopback (it would cut the host off from itself) before touching the firewall. */
export async function blockAddress(params: unknown, allowLoopback: boolean): Promise<{ ip: string; backend: string; seconds: number }> {
  const p = (params ?? {}) as { ip?: unknown; seconds?: unknown };
  if (typeof p.ip !== 'string') throw new Error('block_ip needs an ip');
  const seconds = typeof p.seconds === 'number' ? p.seconds : 0;
  validateBlockTarget(p.ip, allowLoopback);
  const blocker = await Blocker.create({ allowLoopback });
  const r = await blocker.block(p.ip, seconds);
  return { ip: r.ip, backend: r.backend, seconds: r.seconds };
}

/** Registers kill_process, quara, quara_restore and block_ip; all are protection tasks (refused while paused). */
export function registerResponseTasks(o: ResponseOptions): void {
  const procRoot = o.procRoot ?? '/proc';
  registerTask(RESPONSE_TASK.kill, { protection: true, run: (params) => killProcesses(params, procRoot) });
  registerTask(RESPONSE_TASK.quara, { protection: true, run: (params) => quarantineFile(o.home, params) });
  registerTask(RESPONSE_TASK.restore, { protection: true, run: (params) => restoreFile(o.home, params) });
  registerTask(RESPONSE_TASK.block, { protection: true, run: (params) => blockAddress(params, o.allowLoopbackBlock === true) });
}
