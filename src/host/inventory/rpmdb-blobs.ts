import type { SoftwareItem } from './inventory-types.js';
import { parseRpmHeaderBlob } from './rpm-header.js';
import { softwareFromHeader } from './rpmdb-sqlite.js';

/** One record of an rpm Packages database: a header blob under its instance number, or why it is unreadable. */
export type PackageRecord = { instance: number; blob: Buffer } | { error: string };

export interface RpmdbFileRead {
  items: SoftwareItem[];
  /** Records that could not be read or parsed (reported, not fatal). */
  bad: number;
  /** The first few reasons, for the warning. */
  problems: string[];
}

const MAX_PROBLEMS = 5;

/**
 * Turns a database's records into the items `rpm -qa` gives, in instance order (the order rpm
 * itself lists them for the sqlite backend).
 */
export function itemsFromRecords(records: Iterable<PackageRecord>): RpmdbFileRead {
  const got: { instance: number; item: SoftwareItem }[] = [];
  const problems: string[] = [];
  let bad = 0;
  const fail = (why: string) => {
    bad++;
    if (problems.length < MAX_PROBLEMS) problems.push(why);
  };
  for (const r of records) {
    if ('error' in r) {
      fail(r.error);
      continue;
    }
    try {
      const item = softwareFromHeader(parseRpmHeaderBlob(r.blob));
      if (item) got.push({ instance: r.instance, item });
      else fail(`package ${r.instance}: header gives no package`);
    } catch (err) {
      fail(`package ${r.instance}: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
  got.sort((a, b) => a.instance - b.instance);
  return { items: got.map((g) => g.item), bad, problems };
}
