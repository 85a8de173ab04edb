import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { diagnose, formatChecks } from './doctor.js';
import { fetchVia } from './dial.js';
import { agentHome, caFrom, ensureHome, loadCredentials, paths, readJson, writeFileAtomic } from './home.js';
import { checkRulesBundle, writeRules } from './rules-bundle.js';
import { daemonPid, installService, systemdUsable, uninstall, UNIT_FILE } from './install.js';
import { collectCommand } from './collections.js';
import { emitToInbox, ensureEnrolled, runAgent } from './runtime.js';
import { supervise } from './supervisor.js';

interface CommonFlags {
  home?: string;
  server?: string;
  code?: string;
  ca?: string;
  proxy?: string;
}

const positiveInt = (name: string) => (v: string) => {
  if (!/^\d+$/.test(v) || Number(v) < 1) throw new Error(`${name}: "${v}" is not a positive whole number`);
  return Number(v);
};

export { AGENT_ENV, AGENT_V8_FLAGS } from './process-tuning.js';

/**
 * The agent's commands. `self` is how this program is started again by a service manager (and by
 * the agent for its collection children): [node, flags, vigil-agent.mjs] for the bundle,
 * [node, flags, bin/vigil.js, 'agent'] inside the vigil CLI.
 */
export function registerAgentCommands(cmd: Command, self: string[]): void {
  cmd
    .command('run')
    .description('enroll on first start (--server/--code), then run the agent in the foreground')
    .option('--server <url>', 'Vigil server URL, e.g. https://vigil.example:8443')
    .option('--code <code>', 'install code (CaptchaCode from the console / DescribeInstallCodes)')
    .option('--home <dir>', 'agent state directory (default $VIGIL_AGENT_HOME, $VIGIL_HOME or /etc/vigil)')
    .option('--ca <file>', 'PEM certificate to trust for the server (self-signed servers)')
    .option('--proxy <url>', 'HTTP CONNECT proxy (default: HTTPS_PROXY / HTTP_PROXY, honouring NO_PROXY)')
    .option('--heartbeat <sec>', 'heartbeat interval until the server sends its own', positiveInt('--heartbeat'))
    .option('--max-backoff <ms>', 'longest wait between reconnects', positiveInt('--max-backoff'))
    .option('--max-rss-mb <mb>', 'exit (to be restarted) above this resident memory', positiveInt('--max-rss-mb'))
    .option('--budget-cpu <percent>', 'resource budget: percent of one core (default 20)', positiveInt('--budget-cpu'))
    .option('--budget-memory-mb <mb>', 'resource budget: memory in MB (default 256)', positiveInt('--budget-memory-mb'))
    .option('--budget-interval-sec <sec>', 'how often the self-watch samples (default 15)', positiveInt('--budget-interval-sec'))
    .option('--cgroup', 'cap CPU and memory with a cgroup of our own when not under systemd (the supervisor passes it)')
    .action(async (f: CommonFlags & { heartbeat?: number; maxBackoff?: number; maxRssMb?: number; budgetCpu?: number; budgetMemoryMb?: number; budgetIntervalSec?: number; cgroup?: boolean }) => {
      const home = agentHome(f.home);
      const agent = await runAgent({
        home,
        self,
        ...(f.server ? { server: f.server } : {}),
        ...(f.code ? { code: f.code } : {}),
        ...(f.ca ? { caFile: f.ca } : {}),
        ...(f.proxy ? { proxy: f.proxy } : {}),
        ...(f.heartbeat ? { heartbeatSec: f.heartbeat } : {}),
        ...(f.maxBackoff ? { maxBackoffMs: f.maxBackoff } : {}),
        ...(f.maxRssMb ? { maxRssMb: f.maxRssMb } : {}),
        budget: {
          ...(f.budgetCpu ? { cpuPercent: f.budgetCpu } : {}),
          ...(f.budgetMemoryMb ? { memoryMb: f.budgetMemoryMb } : {}),
          ...(f.budgetIntervalSec ? { intervalMs: f.budgetIntervalSec * 1000 } : {}),
          cgroup: f.cgroup === true,
        },
      });
      console.log(JSON.stringify({ time: new Date().toISOString(), level: 'info', msg: `agent ${agent.credentials.agentId} running (home ${home})` }));
      let stopping = false;
      const stop = (signal: NodeJS.Signals) => {
        if (stopping) return;
        stopping = true;
        void agent.shutdown(signal).finally(() => setTimeout(() => process.exit(0), 200).unref());
      };
      process.on('SIGTERM', stop);
      process.on('SIGINT', stop);
      process.on('SIGHUP', stop);
    });

  cmd
    .command('collect <kind>', { hidden: true })
    .description('run one collection (inventory, baseline) for the running agent: parameters on stdin, JSON result on stdout')
    .action(async (kind: string) => {
      await collectCommand(kind);
    });

  cmd
    .command('install')
    .description('enroll this host and install the agent service (systemd when present, else a supervised daemon)')
    .requiredOption('--server <url>', 'Vigil server URL')
    .requiredOption('--code <code>', 'install code')
    .option('--home <dir>', 'agent state directory')
    .option('--prefix <dir>', 'where the agent bundle lives (for uninstall)')
    .option('--ca <file>', 'PEM certificate to trust for the server')
    .option('--proxy <url>', 'HTTP CONNECT proxy')
    .option('--image', 'image mode: install files only; enroll and start at next boot')
    .option('--no-service', 'enroll only; do not install or start a service')
    .option('--no-boot', 'without systemd: do not add the @reboot cron line')
    .action(async (f: CommonFlags & { prefix?: string; image?: boolean; service: boolean; boot: boolean }) => {
      const home = agentHome(f.home);
      ensureHome(home);
      const log = (m: string) => console.log(`vigil-agent: ${m}`);
      const server = (f.server as string).replace(/\/+$/, '');
      if (f.image) {
        writeFileAtomic(paths(home).pending, JSON.stringify({ server, code: f.code, ...(f.ca ? { caFile: f.ca } : {}), ...(f.proxy ? { proxy: f.proxy } : {}) }));
        log(`image mode: enrollment deferred to first start (${paths(home).pending})`);
      } else {
        const cred = await ensureEnrolled({ home, server, code: f.code as string, ...(f.ca ? { caFile: f.ca } : {}), ...(f.proxy ? { proxy: f.proxy } : {}) });
        log(`enrolled as agent ${cred.agentId}; credential in ${paths(home).credentials}`);
      }
      // The rules beside the program (baseline policies, weak-password lists, miner indicators).
      if (f.prefix) {
        try {
          const res = await fetchVia(`${server}/agent/rules.json`, { ...(f.ca ? { ca: caFrom(f.ca) } : {}), ...(f.proxy ? { proxy: f.proxy } : {}) });
          if (res.status !== 200) throw new Error(`HTTP ${res.status}`);
          const n = writeRules(join(f.prefix, 'rules'), checkRulesBundle(JSON.parse(res.body)));
          log(`rules: ${n} files in ${join(f.prefix, 'rules')}`);
        } catch (err) {
          log(`warning: rules not installed (${(err as Error).message}); baseline checks and miner indicators stay off until the install command runs again`);
        }
      }
      const mode = await installService({ home, self, image: f.image === true, noService: !f.service, noBoot: !f.boot, log });
      if (f.prefix) writeFileAtomic(join(home, 'install.json'), JSON.stringify({ prefix: f.prefix, mode, self }));
      log(`done (service: ${mode})`);
    });

  cmd
    .command('supervise')
    .description('keep `run` alive, restarting it with backoff (used where systemd is absent)')
    .option('--home <dir>', 'agent state directory')
    .action(async (f: CommonFlags) => {
      const home = agentHome(f.home);
      // The non-systemd daemon: the agent puts itself into a capped cgroup (R-3.7).
      await supervise(home, [...self, 'run', '--home', home, '--cgroup']);
    });

  cmd
    .command('status')
    .description('show enrollment, service and link state of the local agent')
    .option('--home <dir>', 'agent state directory')
    .option('--json', 'print JSON')
    .action((f: CommonFlags & { json?: boolean }) => {
      const home = agentHome(f.home);
      const cred = loadCredentials(home);
      const st = readJson<Record<string, unknown>>(paths(home).status);
      const pid = daemonPid(home);
      const service = existsSync(UNIT_FILE) ? (systemdUsable() ? 'systemd' : 'systemd unit present, systemd not running') : pid ? `daemon (supervisor pid ${pid})` : 'not running as a service';
      const out = { home, enrolled: !!cred, agentId: cred?.agentId ?? null, server: cred?.server ?? null, pendingImageEnrollment: existsSync(paths(home).pending), service, link: st };
      if (f.json) console.log(JSON.stringify(out, null, 2));
      else {
        console.log(`home:     ${home}`);
        console.log(`enrolled: ${cred ? `yes, agent ${cred.agentId} at ${cred.server}` : out.pendingImageEnrollment ? 'pending (image mode: enrolls at next start)' : 'no'}`);
        console.log(`service:  ${service}`);
        if (st) {
          const q = st.queue as { pending?: number; dropped?: number } | undefined;
          console.log(`link:     ${st.connected ? 'connected' : 'disconnected'}${st.lastError ? ` (last error: ${String(st.lastError)})` : ''}`);
          console.log(`paused:   ${st.paused ? 'yes (PauseClient)' : 'no'}`);
          console.log(`events:   ${q?.pending ?? 0} waiting, ${q?.dropped ?? 0} dropped (buffer full)`);
          console.log(`updated:  ${new Date(Number(st.updatedAt)).toISOString()}`);
        }
      }
    });

  cmd
    .command('doctor')
    .description('explain why the agent is offline: DNS, TCP, TLS, clock, credential, proxy')
    .option('--home <dir>', 'agent state directory')
    .option('--server <url>', 'check this server instead of the enrolled one')
    .option('--ca <file>', 'PEM certificate to trust')
    .option('--proxy <url>', 'HTTP CONNECT proxy')
    .action(async (f: CommonFlags) => {
      const checks = await diagnose(agentHome(f.home), { ...(f.server ? { server: f.server } : {}), ...(f.ca ? { caFile: f.ca } : {}), ...(f.proxy ? { proxy: f.proxy } : {}) });
      console.log(formatChecks(checks));
      process.exitCode = checks.some((c) => c.status === 'FAIL') ? 1 : 0;
    });

  cmd
    .command('emit')
    .description('queue an event for the server through the local agent (delivered when the link is up)')
    .option('--home <dir>', 'agent state directory')
    .requiredOption('--kind <kind>', 'event kind, e.g. test.marker')
    .option('--data <json>', 'event payload (JSON)', 'null')
    .action((f: CommonFlags & { kind: string; data: string }) => {
      console.log(emitToInbox(agentHome(f.home), f.kind, JSON.parse(f.data) as unknown));
    });

  cmd
    .command('uninstall')
    .description('stop the agent and remove its service, credential and buffered events')
    .option('--home <dir>', 'agent state directory')
    .option('--keep-data', 'keep the credential and event buffer')
    .action(async (f: CommonFlags & { keepData?: boolean }) => {
      const home = agentHome(f.home);
      const inst = readJson<{ prefix?: string }>(join(home, 'install.json'));
      await uninstall({ home, keepData: f.keepData === true, ...(inst?.prefix ? { prefixBundle: join(inst.prefix, 'vigil-agent.mjs') } : {}), log: (m) => console.log(`vigil-agent: ${m}`) });
    });
}

