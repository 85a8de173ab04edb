import { existsSync, realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * The shared test corpora (`../shared/data` next to the repository, as CI provides it);
 * VIGIL_SHARED_DATA overrides. Missing data fails loudly: a corpus test must not pass by skipping.
 */
export function sharedDataDir(): string {
  const dir = process.env.VIGIL_SHARED_DATA ?? fileURLToPath(new URL('../../../shared/data', import.meta.url));
  if (!existsSync(dir)) throw new Error(`shared test data not found at ${dir} (set VIGIL_SHARED_DATA)`);
  // Walkers report real paths; a symlinked ../shared must compare equal to them.
  return realpathSync(dir);
}
