import { fileURLToPath } from 'node:url';

/**
 * The shipped `rules/` directory. This file lives at src/scan/ (tsx, vitest) or dist/scan/ (built),
 * both two levels below the package root.
 */
export function shippedRulesDir(): string {
  return fileURLToPath(new URL('../../rules/', import.meta.url));
}
