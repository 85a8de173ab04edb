/** Reverse shells running right now: one /proc snapshot through the revshell engine. */
import { detectReverseShells, memoScriptAnalysis, type ReverseShellFinding } from '../../engines/revshell/index.js';
import { readProcessScript } from '../../host/procfs/read-script.js';
import { readProcessSnapshot } from '../../host/procfs/read-snapshot.js';
import { findingId } from '../finding-id.js';
import type { PartRunner } from '../part-types.js';
import type { ScanFinding } from '../report-types.js';

function describe(f: ReverseShellFinding): ScanFinding {
  const shell = f.processChain[0];
  const peer = f.peer ? `${f.peer.remoteAddress}:${f.peer.remotePort} (${f.peer.proto})` : 'no network peer seen';
  const chain = f.processChain.map((p) => `${p.comm}[${p.pid}]`).join(' <- ');
  const hops = f.via.map((h) => `${h.comm}[${h.pid}] via ${h.link} ${h.resource}`).join(' -> ');
  const fds = f.fds.map((d) => `${d.fd}=${d.target}`).join(' ');
  const detail = [
    f.evidence,
    `class ${f.class}; process chain: ${chain}`,
    fds ? `stdio: ${fds}` : '',
    hops ? `relay: ${hops}` : '',
    f.holderPid !== null ? `socket held by pid ${f.holderPid}` : '',
  ].filter((s) => s !== '').join('\n');
  const killPids = [f.pid, ...(f.holderPid !== null && f.holderPid !== f.pid ? [f.holderPid] : [])].join(' ');
  return {
    id: findingId('revshell', f.ruleId, `${f.pid}`),
    rule: f.ruleId,
    level: f.level,
    title: `Reverse shell: ${shell?.comm ?? 'process'} (pid ${f.pid}) -> ${peer}`,
    detail,
    location: { pid: f.pid },
    fix: `Kill the process tree (kill -9 ${killPids}), block ${f.peer ? f.peer.remoteAddress : 'the peer'} and find how it was started (web server logs, cron, recently changed files).`,
  };
}

export function revshellPart(): PartRunner {
  return async (ctx) => {
    ctx.progress('reading /proc');
    const snapshot = readProcessSnapshot({ selfPid: process.pid });
    const findings = detectReverseShells(snapshot, { analyzeScript: memoScriptAnalysis(readProcessScript) }).map(describe);
    return {
      findings,
      stats: {
        processes: snapshot.processes.length,
        inetSockets: snapshot.inetSockets.length,
        skippedProcesses: snapshot.stats.skippedProcesses,
        truncated: snapshot.stats.truncated,
      },
    };
  };
}
