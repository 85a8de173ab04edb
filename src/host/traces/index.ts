export { collectTraces, type CollectTracesOptions } from './collect.js';
export { readDpkgOwnedPaths } from './fs-bounded.js';
export { encodeUtmp, parseWtmp, UTMP_SIZE } from './wtmp.js';
