/**
 * `vigil scan`: one-shot local audit with no server. Exit codes: 0 nothing at or above
 * --fail-on, 1 findings at or above it, 2 usage error, 3 a check failed (report still printed).
 */
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { collectHostFacts } from '../scan/host-info.js';
import { parseOnly, planScan, ScanUsageError } from '../scan/plan.js';
import { renderSarif } from '../scan/render-sarif.js';
import { renderText } from '../scan/render-text.js';
import { EXIT, exitCodeFor, type FailOn } from '../scan/report-summary.js';
import type { PartName } from '../scan/report-types.js';
import { shippedRulesDir } from '../scan/rules-dir.js';
import { runScan } from '../scan/run-scan.js';
import { vigilVersion } from './version.js';

interface ScanFlags {
  only?: PartName[];
  path: string[];
  policy: string[];
  osv?: string;
  json?: boolean;
  sarif?: boolean;
  failOn: FailOn;
  maxFileSize: number;
  timeout: number;
  shadow: string;
  quiet?: boolean;
}

const collect = (value: string, previous: string[]): string[] => [...previous, value];

function positiveInt(name: string): (value: string) => number {
  return (value) => {
    if (!/^\d+$/.test(value) || Number(value) <= 0 || !Number.isSafeInteger(Number(value))) {
      throw new InvalidArgumentError(`${name} must be a positive integer`);
    }
    return Number(value);
  };
}

function onlyList(value: string): PartName[] {
  try {
    return parseOnly(value);
  } catch (e) {
    throw new InvalidArgumentError((e as Error).message);
  }
}

function writeOut(text: string): Promise<void> {
  return new Promise((resolve) => process.stdout.write(text, () => resolve()));
}

export function registerScanCommand(program: Command): void {
  const scan = program
    .command('scan')
    .description('audit this host once, without a server: reverse shells, webshells, leaked secrets, baseline, weak passwords, vulnerabilities')
    .option('--only <checks>', 'comma-separated: revshell,webshell,secrets,baseline,weakpass,vuln (default: every check whose input is given)', onlyList)
    .option('--path <dir>', 'directory to scan for webshells and secrets (repeatable; git repositories also get their history scanned)', collect, [])
    .option('--policy <file>', 'extra Wazuh SCA policy file for the baseline (repeatable)', collect, [])
    .option('--osv <dir|zip>', 'OSV advisories (directory of JSON records or a ZIP such as osv.dev all.zip) for the vulnerability check')
    .option('--json', 'print the report as JSON')
    .option('--sarif', 'print the report as SARIF 2.1.0')
    .addOption(new Option('--fail-on <level>', 'exit 1 when a finding is at or above this level').choices(['serious', 'suspicious', 'remind', 'none']).default('serious'))
    .option('--max-file-size <bytes>', 'skip (and count) files larger than this in --path scans', positiveInt('--max-file-size'), 10 * 1024 * 1024)
    .option('--timeout <sec>', 'time budget of each check in seconds', positiveInt('--timeout'), 600)
    .option('--shadow <file>', 'shadow file for the weak-password check', '/etc/shadow')
    .option('-q, --quiet', 'no progress lines on stderr')
    .showHelpAfterError('(run "vigil scan --help" for usage)')
    .exitOverride((err) => {
      // Help and version exit 0; every other command-line mistake is a usage error (2).
      throw err.exitCode === 0 ? err : new CommanderError(EXIT.usage, err.code, err.message);
    })
    .action(async (flags: ScanFlags, cmd: Command) => {
      if (flags.json && flags.sarif) cmd.error('error: --json and --sarif cannot be used together', { exitCode: EXIT.usage, code: 'vigil.usage' });
      let plan;
      try {
        plan = planScan({
          ...(flags.only ? { only: flags.only } : {}),
          paths: flags.path,
          policies: flags.policy,
          ...(flags.osv !== undefined ? { osv: flags.osv } : {}),
          maxFileBytes: flags.maxFileSize,
          shadowPath: flags.shadow,
          rulesDir: shippedRulesDir(),
        });
      } catch (e) {
        if (e instanceof ScanUsageError) cmd.error(`error: ${e.message}`, { exitCode: EXIT.usage, code: 'vigil.usage' });
        throw e;
      }
      const report = await runScan(plan, {
        host: collectHostFacts(),
        version: vigilVersion(),
        partTimeoutMs: flags.timeout * 1000,
        ...(flags.quiet ? {} : { onProgress: (line: string) => process.stderr.write(`vigil scan: ${line}\n`) }),
      });
      const text = flags.json ? `${JSON.stringify(report, null, 2)}\n` : flags.sarif ? renderSarif(report) : renderText(report);
      await writeOut(text);
      // Exit now: a check that timed out may still hold timers or sockets, and its result is already reported.
      process.exit(exitCodeFor(report, flags.failOn));
    });
  scan.addHelpText(
    'after',
    '\nExit codes: 0 nothing at or above --fail-on, 1 findings at or above it, 2 usage error, 3 a check failed.\n' +
      'Examples:\n  vigil scan\n  vigil scan --only webshell,secrets --path /var/www --json\n  vigil scan --only vuln --osv ./all.zip --sarif > vigil.sarif\n',
  );
}
