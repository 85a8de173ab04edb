import type { ProcessInfo, ProcessSnapshot } from '../../host/procfs/snapshot-types.js';
import { analyzeArgvCached as analyze } from './command-line.js';
import { FdGraph, type RelayPath, type RemoteSocket } from './fd-graph.js';
import type { DetectOptions, PeerRef, ProcessRef, RelayHop, ReverseShellFinding } from './finding-types.js';
import { isInterpreter, isRelayTool, isShell, isTerminalService, processNames, shellReadsStdin } from './process-roles.js';
import { scriptOperand } from './script-program.js';

const MAX_CMDLINE_IN_FINDING = 32;

function ref(p: ProcessInfo): ProcessRef {
  return { pid: p.pid, comm: p.comm, cmdline: p.cmdline.slice(0, MAX_CMDLINE_IN_FINDING) };
}

function peerOf(r: RemoteSocket): PeerRef {
  return { proto: r.socket.proto, remoteAddress: r.socket.remoteAddress, remotePort: r.socket.remotePort, localPort: r.socket.localPort };
}

function describePeer(r: RemoteSocket): string {
  const s = r.socket;
  return `${s.proto} ${s.localPort} ${r.inbound ? '<-' : '->'} ${s.remoteAddress}:${s.remotePort} (${s.state})`;
}

function cmd(p: ProcessInfo): string {
  const text = p.cmdline.join(' ') || `[${p.comm}]`;
  return text.length > 200 ? `${text.slice(0, 200)}…` : text;
}

/**
 * Find reverse shells in a process snapshot.
 * Class 1: a shell whose stdio is a network socket with a peer.
 * Class 2: a shell whose stdin and stdout both reach, through pipes/FIFOs/ptys/socketpairs, a
 *   process holding such a socket (nc, socat, openssl, telnet, python pty …).
 * Class 3: an interpreter holding such a socket that feeds a shell, whose script file is a network
 *   command loop (with `analyzeScript`), or whose command line is a
 *   reverse-shell program.
 * Plus `revshell.cmdline` for any other running process whose command line is a reverse shell.
 */
export function detectReverseShells(snapshot: ProcessSnapshot, options: DetectOptions = {}): ReverseShellFinding[] {
  const graph = new FdGraph(snapshot);
  const selfPid = options.selfPid ?? snapshot.selfPid;
  const allowed = new Set(options.allowedHolders ?? []);
  const maxHops = options.maxHops ?? 4;
  const maxChain = options.maxChain ?? 8;
  const isBarrier = (p: ProcessInfo): boolean => p.pid === selfPid || isTerminalService(p, allowed);

  const findings: ReverseShellFinding[] = [];
  const covered = new Set<number>();

  const chainOf = (p: ProcessInfo): ProcessRef[] => {
    const chain: ProcessRef[] = [ref(p)];
    let cur = graph.byPid.get(p.ppid);
    while (cur && chain.length < maxChain && !chain.some((c) => c.pid === cur?.pid)) {
      chain.push(ref(cur));
      cur = cur.pid > 1 ? graph.byPid.get(cur.ppid) : undefined;
    }
    return chain;
  };
  const stdioOf = (p: ProcessInfo): { fd: number; target: string }[] => p.fds.filter((f) => f.fd <= 2).map((f) => ({ fd: f.fd, target: f.target }));
  const report = (f: ReverseShellFinding): void => {
    findings.push(f);
    for (const c of f.processChain) covered.add(c.pid);
    for (const h of f.via) covered.add(h.pid);
    if (f.holderPid !== null) covered.add(f.holderPid);
  };

  for (const p of snapshot.processes) {
    if (p.pid === selfPid || !isShell(p) || isBarrier(p)) continue;
    const direct = p.fds
      .filter((f) => f.fd <= 2)
      .map((f) => graph.remoteSocketOf(f))
      .filter((r): r is RemoteSocket => r !== null);
    if (direct.length > 0) {
      const onStdin = direct.some((r) => r.fd === 0);
      const onOut = direct.some((r) => r.fd === 1 || r.fd === 2);
      const peer = direct[0] as RemoteSocket;
      report({
        ruleId: 'revshell.stdio-socket',
        class: 1,
        level: onStdin && onOut ? 'serious' : 'suspicious',
        pid: p.pid,
        processChain: chainOf(p),
        fds: stdioOf(p),
        peer: peerOf(peer),
        holderPid: p.pid,
        via: [],
        evidence: `shell ${p.comm} (pid ${p.pid}) has fd ${direct.map((r) => r.fd).join(',')} on ${describePeer(peer)}: ${cmd(p)}`,
      });
      continue;
    }
    const inPath = graph.findRelay(p, 0, maxHops, isBarrier, isRelayTool);
    if (!inPath) continue;
    const outPath: RelayPath | null = graph.findRelay(p, 1, maxHops, isBarrier, isRelayTool) ?? graph.findRelay(p, 2, maxHops, isBarrier, isRelayTool);
    if (!outPath) continue;
    const readsStdin = shellReadsStdin(p.cmdline);
    const relayTool = isRelayTool(inPath.holder) || isRelayTool(outPath.holder);
    // A `sh -c cmd` with pipes to a networked service is how servers run commands; only a relay tool makes it a shell session.
    if (!readsStdin && !relayTool) continue;
    const known = relayTool || isInterpreter(inPath.holder);
    // Servers (Erlang's `sh -s` port programs, for one) feed helper shells through pipes; a relay does not listen.
    if (!known && (graph.holdsListener(inPath.holder) || inPath.socket.inbound)) continue;
    const via: RelayHop[] = [...inPath.hops];
    for (const h of outPath.hops) if (!via.some((v) => v.pid === h.pid && v.resource === h.resource)) via.push(h);
    report({
      ruleId: 'revshell.relayed-stdio',
      class: 2,
      level: known ? 'serious' : 'suspicious',
      pid: p.pid,
      processChain: chainOf(p),
      fds: stdioOf(p),
      peer: peerOf(inPath.socket),
      holderPid: inPath.holder.pid,
      via,
      evidence:
        `shell ${p.comm} (pid ${p.pid}) stdin/stdout relayed via ${via.map((h) => `${h.link} ${h.resource} -> ${h.comm}(${h.pid})`).join(', ')}; ` +
        `${inPath.holder.comm} holds ${describePeer(inPath.socket)}: ${cmd(p)}`,
    });
  }

  for (const p of snapshot.processes) {
    if (p.pid === selfPid || covered.has(p.pid) || !isInterpreter(p) || isBarrier(p)) continue;
    const sockets = graph.remoteSockets(p);
    const sock = sockets[0];
    if (!sock) continue;
    const analysis = analyze(p.cmdline);
    const shellKids = (graph.children.get(p.pid) ?? []).filter((c) => isShell(c) && !covered.has(c.pid));
    const kid = shellKids[0];
    if (analysis.verdict === 'reverse-shell') {
      const target = kid ?? p;
      report({
        ruleId: 'revshell.interpreter-cmdline',
        class: 3,
        level: 'serious',
        pid: target.pid,
        processChain: chainOf(target),
        fds: stdioOf(target),
        peer: peerOf(sock),
        holderPid: p.pid,
        via: [],
        evidence: `${p.comm} (pid ${p.pid}) holds ${describePeer(sock)} and its command line is a reverse shell [${analysis.features.join(', ')}]: ${cmd(p)}`,
      });
      continue;
    }
    // A server that accepted the connection and runs a command is ordinary; an outbound client
    // that runs shells is how script reverse shells look — but so is npm running `sh -c` scripts
    // while it downloads. So the shell must be driven by the interpreter (it reads commands from
    // its stdin, fed by the interpreter that holds the socket), or the interpreter's script file
    // must be a command loop (connects, reads from the connection, runs what it read).
    if (graph.holdsListener(p) || sock.inbound) continue;
    const kidFed = shellKids.find((k) => shellReadsStdin(k.cmdline) && graph.findRelay(k, 0, 1, isBarrier)?.holder.pid === p.pid);
    if (kidFed) {
      report({
        ruleId: 'revshell.interpreter-shell',
        class: 3,
        level: 'serious',
        pid: kidFed.pid,
        processChain: chainOf(kidFed),
        fds: stdioOf(kidFed),
        peer: peerOf(sock),
        holderPid: p.pid,
        via: [],
        evidence: `${p.comm} (pid ${p.pid}) holds outbound ${describePeer(sock)} and feeds the stdin of shell ${kidFed.comm} (pid ${kidFed.pid}): ${cmd(kidFed)}`,
      });
      continue;
    }
    const script = options.analyzeScript ? scriptOperand(p.cmdline, processNames(p)) : null;
    const program = script !== null ? (options.analyzeScript?.(p, script) ?? null) : null;
    if (program === null || !program.commandLoop) continue;
    // Without a shell running, only an explicit socket API is enough (not any `connect(` near "socket").
    if (!kid && !program.features.includes('script-opens-socket')) continue;
    // With a shell running a received command it is certain; between commands only the program says so.
    const target = kid ?? p;
    report({
      ruleId: 'revshell.interpreter-script',
      class: 3,
      level: kid ? 'serious' : 'suspicious',
      pid: target.pid,
      processChain: chainOf(target),
      fds: stdioOf(target),
      peer: peerOf(sock),
      holderPid: p.pid,
      via: [],
      evidence:
        `${p.comm} (pid ${p.pid}) holds outbound ${describePeer(sock)}; its script ${script} is a network command loop [${program.features.join(', ')}]` +
        (kid ? ` and runs shell ${kid.comm} (pid ${kid.pid}): ${cmd(kid)}` : ''),
    });
  }

  for (const p of snapshot.processes) {
    if (p.pid === selfPid || covered.has(p.pid) || p.cmdline.length === 0 || isBarrier(p)) continue;
    const analysis = analyze(p.cmdline);
    if (analysis.verdict !== 'reverse-shell' || analysis.suggestedClass === null) continue;
    const sock = graph.remoteSockets(p)[0];
    report({
      ruleId: 'revshell.cmdline',
      class: analysis.suggestedClass,
      level: sock ? 'serious' : 'suspicious',
      pid: p.pid,
      processChain: chainOf(p),
      fds: stdioOf(p),
      peer: sock ? peerOf(sock) : null,
      holderPid: sock ? p.pid : null,
      via: [],
      evidence: `command line is a reverse shell [${analysis.features.join(', ')}]: ${cmd(p)}`,
    });
  }
  return collapseNested(findings);
}

function peerKey(f: ReverseShellFinding): string | null {
  return f.peer ? `${f.peer.proto}:${f.peer.localPort}:${f.peer.remoteAddress}:${f.peer.remotePort}` : null;
}

/** Subshells and shells started inside a reverse shell share its connection: report the outermost one. */
function collapseNested(findings: ReverseShellFinding[]): ReverseShellFinding[] {
  const byPid = new Map(findings.map((f) => [f.pid, f]));
  return findings.filter((f) => {
    const key = peerKey(f);
    if (key === null) return true;
    return !f.processChain.slice(1).some((a) => {
      const outer = byPid.get(a.pid);
      return outer !== undefined && peerKey(outer) === key;
    });
  });
}
