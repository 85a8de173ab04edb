import { spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { blockAddress, killProcesses, quarantineFile, restoreFile } from './respond-feature.js';
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

const dirs: string[] = [];
const kids: number[] = [];
afterEach(() => {
  for (const pid of kids.splice(0)) {
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      // gone
    }
  }
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function tmp(): string {
  const d = mkdtempSync(join(tmpdir(), 'vigil-respond-'));
  dirs.push(d);
  return d;
}

function startTime(pid: number): number {
  const s = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return Number(s.slice(s.lastIndexOf(')') + 2).split(' ')[19]);
}

describe('quarantine', () => {
  it('moves a file out with a manifest and restores it with mode and content', async () => {
    const home = tmp();
    const work = tmp();
    const file = join(work, 'payload.sh');
    writeFileSync(file, '#!/bin/sh\necho miner\n');
    chmodSync(file, 0o750);
    const m = await quarantineFile(home, { path: file });
    expect(existsSync(file)).toBe(false);
    expect(m.originalPath).toBe(file);
    expect(m.mode).toBe(0o750);
    expect(m.sha256).toMatch(/^[0-9a-f]{64}$/);
    const stored = join(home, 'quarantine', m.id);
    expect(JSON.parse(readFileSync(join(stored, 'manifest.json'), 'utf8'))).toMatchObject({ originalPath: file, sha256: m.sha256 });
    expect(statSync(join(stored, 'file')).mode & 0o777).toBe(0o400);

    writeFileSync(file, 'something else');
    await expect(restoreFile(home, { id: m.id })).rejects.toThrow(/exists again/);
    rmSync(file);
    expect(await restoreFile(home, { id: m.id })).toEqual({ restored: file });
    expect(readFileSync(file, 'utf8')).toBe('#!/bin/sh\necho miner\n');
    expect(statSync(file).mode & 0o777).toBe(0o750);
    expect(existsSync(stored)).toBe(false);
  });

  it('refuses system binaries, directories, relative paths and bad ids', async () => {
    const home = tmp();
    await expect(quarantineFile(home, { path: '/usr/bin/bash' })).rejects.toThrow(/system directory/);
    await expect(quarantineFile(home, { path: 'relative/file' })).rejects.toThrow(/absolute/);
    const d = join(tmp(), 'dir');
    mkdirSync(d);
    await expect(quarantineFile(home, { path: d })).rejects.toThrow(/regular file/);
    await expect(restoreFile(home, { id: '../../etc' })).rejects.toThrow(/quarantine id/);
  });
});

describe('kill_process', () => {
  it('kills the process (and its own group) when pid and start time match, refuses a reused pid', async () => {
    const p = spawn('sh', ['-c', 'sleep 600 & wait'], { detached: true, stdio: 'ignore' });
    if (p.pid === undefined) throw new Error('no pid');
    kids.push(p.pid);
    const exited = new Promise((r) => p.once('exit', r));
    const st = startTime(p.pid);
    await expect(killProcesses({ pid: p.pid, startTime: st + 1 })).rejects.toThrow(/another process/);
    await sleep(200);
    const r = await killProcesses({ pid: p.pid, startTime: st });
    expect(r.killed[0]).toBe(p.pid);
    // `sleep 600`, its child, is killed with it.
    expect(r.killed).toHaveLength(2);
    expect(r.groups).toEqual([p.pid]);
    await exited;
    await expect(killProcesses({ pid: p.pid, startTime: st })).rejects.toThrow(/no longer running/);
  });

  it('kills what runs below the process even in another session (a nested `sh -i` that setsid left the group)', async () => {
    // Not detached: the shell shares this test's process group, which must not be killed.
    const p = spawn('sh', ['-c', 'setsid sleep 600 & wait'], { stdio: 'ignore' });
    if (p.pid === undefined) throw new Error('no pid');
    kids.push(p.pid);
    await sleep(300);
    const r = await killProcesses({ pid: p.pid, startTime: startTime(p.pid) });
    const sleeper = r.killed.find((k) => k !== p.pid);
    expect(sleeper).toBeDefined();
    // The shell's group is this test's (left alone); the sleeper leads its own.
    expect(r.groups).toEqual([sleeper]);
    expect(existsSync(`/proc/${sleeper}`) && !readFileSync(`/proc/${sleeper}/stat`, 'utf8').includes(') Z ')).toBe(false);
  });

  it('refuses init and the agent itself', async () => {
    await expect(killProcesses({ pid: 1 })).rejects.toThrow(/refusing/);
    await expect(killProcesses({ pid: process.pid })).rejects.toThrow(/refusing/);
  });
});

describe('block_ip', () => {
  it('refuses loopback before touching the firewall', async () => {
    await expect(blockAddress({ ip: '127.0.0.1', seconds: 60 }, false)).rejects.toThrow(/loopback/);
    await expect(blockAddress({ ip: '::1', seconds: 60 }, false)).rejects.toThrow(/loopback/);
    await expect(blockAddress({ ip: 'not-an-ip', seconds: 60 }, false)).rejects.toThrow(/not an IP/);
  });
});
