/**
 * Two network namespaces joined by a veth pair created directly inside them (the host's own
 * network is never touched), for tests whose traffic must leave loopback but not the machine.
 */
import { spawnSync } from 'node:child_process';

export interface NetnsPair {
  /** Namespace names: `a` holds veth `va`, `b` holds `vb`. */
  a: string;
  b: string;
  /** Kills whatever still runs in either namespace, then deletes both (and the veth pair). */
  remove(): void;
}

export function run(argv: string[]): { status: number | null; out: string } {
  const r = spawnSync(argv[0] as string, argv.slice(1), { encoding: 'utf8', timeout: 20_000 });
  return { status: r.status, out: `${r.stdout}${r.stderr}` };
}

export function must(argv: string[]): string {
  const r = run(argv);
  if (r.status !== 0) throw new Error(`${argv.join(' ')}: ${r.out}`);
  return r.out;
}

/** Creates namespaces `a` and `b` with the given /24 addresses on their veth ends, links and lo up. */
export function createNetnsPair(a: string, b: string, addrsA: string[], addrsB: string[]): NetnsPair {
  must(['ip', 'netns', 'add', a]);
  must(['ip', 'netns', 'add', b]);
  must(['ip', '-n', a, 'link', 'add', 'va', 'type', 'veth', 'peer', 'name', 'vb', 'netns', b]);
  for (const ip of addrsA) must(['ip', '-n', a, 'addr', 'add', `${ip}/24`, 'dev', 'va']);
  for (const ip of addrsB) must(['ip', '-n', b, 'addr', 'add', `${ip}/24`, 'dev', 'vb']);
  for (const [ns, dev] of [[a, 'va'], [b, 'vb'], [a, 'lo'], [b, 'lo']] as const) must(['ip', '-n', ns, 'link', 'set', dev, 'up']);
  return {
    a,
    b,
    remove() {
      for (const ns of [a, b]) {
        for (const p of run(['ip', 'netns', 'pids', ns]).out.split('\n').filter((x) => /^\d+$/.test(x))) {
          try {
            process.kill(Number(p), 'SIGKILL');
          } catch {
            // gone
          }
        }
        run(['ip', 'netns', 'del', ns]);
      }
    },
  };
}
