/**
 * Hosts seen serving injected scripts or iframes (drive-by kits, in-browser miners). A small
 * built-in seed; deployments pass their own feed through `WebshellScanOptions.maliciousHosts`.
 */
export const DEFAULT_MALICIOUS_HOSTS: readonly string[] = [
  'stervapoimenialena.info',
  'coinhive.com',
  'coin-hive.com',
  'authedmine.com',
  'crypto-loot.com',
  'cryptoloot.pro',
  'jsecoin.com',
  'webminepool.com',
  'minero.cc',
  'ppoi.org',
];

/** True when `host` equals a listed host or is a subdomain of one. */
export function isListedHost(host: string, list: readonly string[]): boolean {
  const h = host.toLowerCase().replace(/\.$/, '');
  return list.some((d) => h === d || h.endsWith(`.${d}`));
}
