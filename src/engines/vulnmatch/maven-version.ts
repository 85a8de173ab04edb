/**
 * Maven version ordering: the main rules of Maven 3's `ComparableVersion`.
 * A version splits on '.', '-' and digit/letter transitions into a tree of integer, qualifier and
 * list items ('-' and transitions open a sub-list); trailing "null" items (0, "", ga, final, release)
 * are dropped; qualifiers order alpha < beta < milestone < rc = cr < snapshot < "" < sp < anything
 * else (alphabetically); integers beat qualifiers and lists.
 */

export type MavenItem = { kind: 'int'; value: bigint } | { kind: 'str'; value: string } | { kind: 'list'; items: MavenItem[] };

const QUALIFIERS = ['alpha', 'beta', 'milestone', 'rc', 'snapshot', '', 'sp'];
const ALIASES: Readonly<Record<string, string>> = { ga: '', final: '', release: '', cr: 'rc' };
const RELEASE_INDEX = String(QUALIFIERS.indexOf(''));

function qualifierKey(q: string): string {
  const i = QUALIFIERS.indexOf(q);
  return i === -1 ? `${QUALIFIERS.length}-${q}` : String(i);
}

function strItem(value: string, followedByDigit: boolean): MavenItem {
  let v = value;
  if (followedByDigit && v.length === 1) {
    // "a1", "b2", "m3" are shorthands.
    v = v === 'a' ? 'alpha' : v === 'b' ? 'beta' : v === 'm' ? 'milestone' : v;
  }
  return { kind: 'str', value: Object.hasOwn(ALIASES, v) ? (ALIASES[v] ?? v) : v };
}

function parseItem(isDigit: boolean, buf: string): MavenItem {
  return isDigit ? { kind: 'int', value: BigInt(buf) } : strItem(buf, false);
}

function isNullItem(item: MavenItem): boolean {
  if (item.kind === 'int') return item.value === 0n;
  if (item.kind === 'str') return qualifierKey(item.value) === RELEASE_INDEX;
  return item.items.length === 0;
}

function normalize(list: MavenItem[]): void {
  for (let i = list.length - 1; i >= 0; i--) {
    const last = list[i];
    if (last === undefined) break;
    if (isNullItem(last)) list.splice(i, 1);
    else if (last.kind !== 'list') break;
  }
}

export function parseMavenVersion(version: string): MavenItem {
  const v = version.toLowerCase();
  const root: MavenItem[] = [];
  const stack: MavenItem[][] = [root];
  let list = root;
  let isDigit = false;
  let start = 0;
  const openList = (): void => {
    const next: MavenItem[] = [];
    list.push({ kind: 'list', items: next });
    list = next;
    stack.push(next);
  };
  for (let i = 0; i < v.length; i++) {
    const c = v.charAt(i);
    if (c === '.' || c === '-') {
      list.push(i === start ? { kind: 'int', value: 0n } : parseItem(isDigit, v.slice(start, i)));
      start = i + 1;
      if (c === '-') openList();
    } else if (c >= '0' && c <= '9') {
      if (!isDigit && i > start) {
        list.push(strItem(v.slice(start, i), true));
        start = i;
        openList();
      }
      isDigit = true;
    } else {
      if (isDigit && i > start) {
        list.push(parseItem(true, v.slice(start, i)));
        start = i;
        openList();
      }
      isDigit = false;
    }
  }
  if (v.length > start) list.push(parseItem(isDigit, v.slice(start)));
  while (stack.length > 0) {
    const l = stack.pop();
    if (l) normalize(l);
  }
  return { kind: 'list', items: root };
}

function cmp<T extends bigint | string>(a: T, b: T): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** MavenItem.compareTo from ComparableVersion; `b` undefined stands for Java's null (a missing item). */
function compareItem(a: MavenItem, b: MavenItem | undefined): number {
  switch (a.kind) {
    case 'int':
      if (b === undefined) return a.value === 0n ? 0 : 1;
      return b.kind === 'int' ? cmp(a.value, b.value) : 1;
    case 'str':
      if (b === undefined) return cmp(qualifierKey(a.value), RELEASE_INDEX);
      if (b.kind === 'int' || b.kind === 'list') return -1;
      return cmp(qualifierKey(a.value), qualifierKey(b.value));
    case 'list': {
      if (b === undefined) return a.items[0] === undefined ? 0 : compareItem(a.items[0], undefined);
      if (b.kind === 'int') return -1;
      if (b.kind === 'str') return 1;
      const n = Math.max(a.items.length, b.items.length);
      for (let k = 0; k < n; k++) {
        const l = a.items[k];
        const r = b.items[k];
        const result = l === undefined ? (r === undefined ? 0 : -compareItem(r, undefined)) : compareItem(l, r);
        if (result !== 0) return result;
      }
      return 0;
    }
  }
}

/** Maven ComparableVersion ordering: -1, 0 or 1. Every string is a valid Maven version. */
export function compareMaven(a: string, b: string): -1 | 0 | 1 {
  const r = compareItem(parseMavenVersion(a), parseMavenVersion(b));
  return r < 0 ? -1 : r > 0 ? 1 : 0;
}
