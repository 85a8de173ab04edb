import type { CommandRunner } from './command-runner.js';
import { BlockCommandError, type BlockBackend, type BlockedAddress } from './types.js';

export const IPT_CHAIN = 'VIGIL-BLOCK';
const HOOKS = ['INPUT', 'FORWARD', 'OUTPUT'] as const;
const COMMENT_RE = /--comment "?vigil-until=(\d+)"?/;

/**
 * iptables/ip6tables fallback: one own chain jumped to from INPUT, FORWARD and OUTPUT; each block is a
 * pair of DROP rules (source and destination) tagged `vigil-until=<epoch s>` (0 = permanent).
 * iptables has no timeouts, so `sweep` (run periodically by the agent) removes expired rules.
 */
export class IptablesBackend implements BlockBackend {
  readonly name = 'iptables' as const;

  constructor(private readonly runner: CommandRunner) {}

  private bin(family: 4 | 6): string {
    return family === 4 ? 'iptables' : 'ip6tables';
  }

  private async must(argv: string[]): Promise<string> {
    const r = await this.runner.run(argv);
    if (r.code !== 0) throw new BlockCommandError(argv, r.code, r.stderr);
    return r.stdout;
  }

  async ensure(): Promise<void> {
    for (const family of [4, 6] as const) {
      const ipt = this.bin(family);
      const exists = await this.runner.run([ipt, '-w', '-S', IPT_CHAIN]);
      if (exists.code !== 0) await this.must([ipt, '-w', '-N', IPT_CHAIN]);
      for (const hook of HOOKS) {
        const linked = await this.runner.run([ipt, '-w', '-C', hook, '-j', IPT_CHAIN]);
        if (linked.code !== 0) await this.must([ipt, '-w', '-I', hook, '1', '-j', IPT_CHAIN]);
      }
    }
  }

  private specs(ip: string, family: 4 | 6, untilSec: number): string[][] {
    const host = `${ip}/${family === 4 ? 32 : 128}`;
    const tag = ['-m', 'comment', '--comment', `vigil-until=${untilSec}`, '-j', 'DROP'];
    return [['-s', host, ...tag], ['-d', host, ...tag]];
  }

  async block(ip: string, family: 4 | 6, seconds: number, nowMs: number): Promise<void> {
    await this.ensure();
    await this.unblock(ip, family);
    const until = seconds > 0 ? Math.ceil(nowMs / 1000) + seconds : 0;
    for (const spec of this.specs(ip, family, until)) await this.must([this.bin(family), '-w', '-A', IPT_CHAIN, ...spec]);
  }

  private async rules(family: 4 | 6): Promise<{ ip: string; untilSec: number; spec: string[] }[]> {
    const r = await this.runner.run([this.bin(family), '-w', '-S', IPT_CHAIN]);
    if (r.code !== 0) return [];
    const out: { ip: string; untilSec: number; spec: string[] }[] = [];
    for (const line of r.stdout.split('\n')) {
      const m = /^-A VIGIL-BLOCK -([sd]) (\S+?)(?:\/\d+)? /.exec(line);
      const c = COMMENT_RE.exec(line);
      if (!m || !c || m[2] === undefined || m[1] === undefined) continue;
      out.push({ ip: m[2], untilSec: Number(c[1]), spec: this.specs(m[2], family, Number(c[1]))[m[1] === 's' ? 0 : 1] ?? [] });
    }
    return out;
  }

  async unblock(ip: string, family: 4 | 6): Promise<boolean> {
    let removed = false;
    for (const rule of await this.rules(family)) {
      if (rule.ip !== ip) continue;
      const r = await this.runner.run([this.bin(family), '-w', '-D', IPT_CHAIN, ...rule.spec]);
      removed ||= r.code === 0;
    }
    return removed;
  }

  async list(nowMs: number): Promise<BlockedAddress[]> {
    const seen = new Map<string, BlockedAddress>();
    for (const family of [4, 6] as const) {
      for (const rule of await this.rules(family)) {
        const expiresAtMs = rule.untilSec === 0 ? null : rule.untilSec * 1000;
        if (expiresAtMs !== null && expiresAtMs <= nowMs) continue;
        seen.set(rule.ip, { ip: rule.ip, expiresAtMs });
      }
    }
    return [...seen.values()];
  }

  async sweep(nowMs: number): Promise<number> {
    let n = 0;
    for (const family of [4, 6] as const) {
      for (const rule of await this.rules(family)) {
        if (rule.untilSec === 0 || rule.untilSec * 1000 > nowMs) continue;
        const r = await this.runner.run([this.bin(family), '-w', '-D', IPT_CHAIN, ...rule.spec]);
        if (r.code === 0) n++;
      }
    }
    return n;
  }

  async teardown(): Promise<void> {
    for (const family of [4, 6] as const) {
      const ipt = this.bin(family);
      for (const hook of HOOKS) await this.runner.run([ipt, '-w', '-D', hook, '-j', IPT_CHAIN]);
      await this.runner.run([ipt, '-w', '-F', IPT_CHAIN]);
      await this.runner.run([ipt, '-w', '-X', IPT_CHAIN]);
    }
  }
}
