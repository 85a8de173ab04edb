import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { compareApk } from './apk-version.js';
import { compareDpkg } from './dpkg-version.js';
import { rpmvercmp } from './rpm-version.js';
import { sharedDataDir } from '../../../test/helpers/shared-data.js';

/** The shared corpus (see /work/shared/data/README.md, section vuln/); VIGIL_SHARED_DATA overrides. */
const SHARED_DATA = `${sharedDataDir()}/`;
const VECTORS_DIR = `${SHARED_DATA.replace(/\/?$/, '/')}vuln/version-vectors/`;

interface Vector {
  a: string;
  b: string;
  expected: -1 | 0 | 1;
}

function loadVectors(file: string): Vector[] {
  const path = `${VECTORS_DIR}${file}`;
  // Fail loudly: a missing corpus must not turn into a silently green suite.
  if (!existsSync(path)) throw new Error(`version vectors missing: ${path} (shared test data not mounted?)`);
  const parsed = JSON.parse(readFileSync(path, 'utf8')) as Vector[];
  if (!Array.isArray(parsed) || parsed.length === 0) throw new Error(`no vectors in ${path}`);
  return parsed;
}

function disagreements(vectors: Vector[], compare: (a: string, b: string) => number): string[] {
  const bad: string[] = [];
  for (const v of vectors) {
    const ab = Math.sign(compare(v.a, v.b));
    const ba = Math.sign(compare(v.b, v.a));
    if (ab !== v.expected || ba !== -v.expected) {
      bad.push(`${JSON.stringify(v.a)} vs ${JSON.stringify(v.b)}: expected ${v.expected}, got ${ab} / reversed ${ba}`);
    }
  }
  return bad;
}

describe('version vectors from the shared corpus', () => {
  it('dpkg: all dpkg 1.21.22 pairs agree', () => {
    const vectors = loadVectors('dpkg.json');
    expect(vectors.length).toBeGreaterThan(700);
    expect(disagreements(vectors, compareDpkg)).toEqual([]);
  });

  it('rpm: all rpmvercmp.at cases agree, including the documented oddities', () => {
    const vectors = loadVectors('rpmvercmp.json');
    expect(vectors.length).toBe(103);
    expect(disagreements(vectors, rpmvercmp)).toEqual([]);
  });

  it('apk: all apk-tools test/version.data pairs agree', () => {
    const vectors = loadVectors('apk.json');
    expect(vectors.length).toBe(733);
    expect(disagreements(vectors, compareApk)).toEqual([]);
  });
});
