import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Walks up from this module to `rules/<sub>`: the repository's (from src/ and dist/), or the one
 * `install --prefix` wrote beside an installed agent's program (rules-bundle.ts).
 */
export function findRulesDir(sub: 'baseline' | 'weakpass' | 'mining', from = dirname(fileURLToPath(import.meta.url))): string | null {
  let dir = from;
  for (let i = 0; i < 5; i += 1) {
    const candidate = join(dir, 'rules', sub);
    try {
      readdirSync(candidate);
      return candidate;
    } catch {
      dir = dirname(dir);
    }
  }
  return null;
}

/** Extra policy directories (colon-separated) an operator adds next to the shipped ones. */
export function policyDirsFromEnv(env: NodeJS.ProcessEnv = process.env): string[] {
  return (env.VIGIL_BASELINE_POLICY_DIRS ?? '').split(':').filter((d) => d.length > 0);
}

/** Text of `rules/<sub>/<name>`; throws with the reason when there is no such rules directory or file. */
export function readRulesFile(sub: 'baseline' | 'weakpass' | 'mining', name: string): string {
  const dir = findRulesDir(sub);
  if (!dir) throw new Error(`no rules/${sub} directory next to the agent code (install with --prefix writes one)`);
  return readFileSync(join(dir, name), 'utf8');
}

/** The `rules/` directory itself (the parent of its baseline policies), or null. */
export function findRulesRoot(from?: string): string | null {
  const b = from === undefined ? findRulesDir('baseline') : findRulesDir('baseline', from);
  return b ? dirname(b) : null;
}
