/**
 * The fix runner (FixCheckWarnings): applies a check's declared `set_option` fix to its config
 * file — and nothing else automatically — after saving the original bytes under the agent home.
 * The check is re-run afterwards; if it still fails the change is rolled back at once. A rollback
 * task restores the file byte-identical, refusing when the file changed since the fix.
 */
import { createHash, randomUUID } from 'node:crypto';
import { execFile } from 'node:child_process';
import { chmodSync, chownSync, mkdirSync, readFileSync, realpathSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { evaluatePolicy } from '../engines/sca/evaluate.js';
import type { HostProbe } from '../engines/sca/host-probe.js';
import type { ScaPolicy } from '../engines/sca/policy.js';
import { compileWazuhRegex } from '../engines/sca/wazuh-regex.js';
import { createHostProbe } from '../host/probe/host-probe.js';
import type { BaselineFixOutcome, BaselineFixParams, BaselineRollbackParams } from '../domain/baseline/baseline-types.js';

/**
 * Makes `text` contain `line`: the first line matching `match` is replaced, later matching lines
 * are dropped (sshd and redis honour the first or last occurrence, so a single one is the only
 * unambiguous state); with no match the line is appended. Line endings are kept.
 */
export function applySetOption(text: string, match: RegExp, line: string): string {
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  const lines = text.split(/\r?\n/);
  const trailing = lines.length > 0 && lines[lines.length - 1] === '';
  if (trailing) lines.pop();
  const out: string[] = [];
  let placed = false;
  for (const l of lines) {
    if (match.test(l)) {
      if (!placed) out.push(line);
      placed = true;
      continue;
    }
    out.push(l);
  }
  if (!placed) out.push(line);
  return out.join(eol) + eol;
}

interface BackupRecord {
  backupId: string;
  policyId: string;
  checkId: number;
  file: string;
  mode: number;
  uid: number;
  gid: number;
  originalBase64: string;
  writtenSha256: string;
  createdAt: number;
}

const sha256 = (b: Buffer | string): string => createHash('sha256').update(b).digest('hex');
const SERVICE_NAME = /^[A-Za-z0-9@._-]{1,128}$/;
const BACKUP_ID = /^[0-9a-f-]{36}$/;

function writeLike(file: string, data: Buffer | string, st: { mode: number; uid: number; gid: number }): void {
  const tmp = join(dirname(file), `.${randomUUID()}.vigil-tmp`);
  writeFileSync(tmp, data, { mode: st.mode & 0o7777 });
  try {
    chmodSync(tmp, st.mode & 0o7777);
    try {
      chownSync(tmp, st.uid, st.gid);
    } catch {
      // not root: the file keeps our ownership, which is then also the original's
    }
    renameSync(tmp, file);
  } catch (e) {
    try {
      renameSync(tmp, `${tmp}.failed`);
    } catch {
      // best effort
    }
    throw e;
  }
}

function restartService(name: string): Promise<string> {
  if (!SERVICE_NAME.test(name)) return Promise.resolve(`not restarting "${name}": not a service name`);
  return new Promise((resolve) => {
    execFile('systemctl', ['try-restart', name], { timeout: 60_000 }, (err) => resolve(err ? `restart of ${name} failed: ${err.message}` : `${name} restarted`));
  });
}

export interface FixRunnerOptions {
  /** The agent home; backups go to `<home>/baseline-backups`. */
  home: string;
  policies: () => ScaPolicy[];
  probe?: HostProbe;
}

export class FixRunner {
  private readonly backupDir: string;

  constructor(private readonly o: FixRunnerOptions) {
    this.backupDir = join(o.home, 'baseline-backups');
  }

  async fix(p: BaselineFixParams): Promise<BaselineFixOutcome> {
    const policy = this.o.policies().find((x) => x.id === p.policyId);
    const check = policy?.checks.find((c) => c.id === p.checkId);
    if (!policy || !check) throw new Error(`no check ${p.checkId} in policy ${p.policyId} on this host`);
    const fix = check.vigil?.fix;
    if (fix?.kind !== 'set_option') throw new Error(`check ${p.checkId} declares no automatic fix; follow its remediation text`);
    const probe = this.o.probe ?? createHostProbe();
    // A symlinked config (e.g. /etc/ssh/sshd_config -> …) is edited where it really lives.
    const file = realpathSync(fix.file);
    const st = statSync(file);
    if (!st.isFile()) throw new Error(`${fix.file} is not a regular file`);
    const original = readFileSync(file);
    const next = applySetOption(original.toString('utf8'), compileWazuhRegex(fix.match, 'pcre2'), fix.line);
    const backupId = randomUUID();
    const record: BackupRecord = {
      backupId,
      policyId: p.policyId,
      checkId: p.checkId,
      file,
      mode: st.mode,
      uid: st.uid,
      gid: st.gid,
      originalBase64: original.toString('base64'),
      writtenSha256: sha256(next),
      createdAt: Date.now(),
    };
    mkdirSync(this.backupDir, { recursive: true, mode: 0o700 });
    writeFileSync(join(this.backupDir, `${backupId}.json`), JSON.stringify(record), { mode: 0o600 });
    writeLike(file, next, st);
    const notes: string[] = [`${file}: set "${fix.line}" (backup ${backupId})`];
    if (fix.restart) notes.push(await restartService(fix.restart));
    const res = await evaluatePolicy(policy, probe, { onlyCheckIds: [p.checkId] });
    const verified = res.checks[0]?.result ?? 'not applicable';
    if (verified !== 'passed') {
      this.rollback({ backupId });
      notes.push(`check still ${verified} after the change (${res.checks[0]?.reason ?? ''}); rolled back`);
    }
    return { policyId: p.policyId, checkId: p.checkId, file, backupId, verified, reason: notes.join('; ') };
  }

  rollback(p: BaselineRollbackParams): { file: string; restored: true } {
    if (!BACKUP_ID.test(p.backupId)) throw new Error('invalid backup id');
    const rec = JSON.parse(readFileSync(join(this.backupDir, `${p.backupId}.json`), 'utf8')) as BackupRecord;
    const current = readFileSync(rec.file);
    if (sha256(current) !== rec.writtenSha256) throw new Error(`${rec.file} changed after the fix; not overwriting it (the original is in backup ${p.backupId})`);
    writeLike(rec.file, Buffer.from(rec.originalBase64, 'base64'), rec);
    // The record stays: it documents the change; a second rollback is refused by the hash check.
    return { file: rec.file, restored: true };
  }
}
