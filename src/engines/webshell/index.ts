export { scanWebContent, topConfidence } from './scan.js';
export { sniffLanguage } from './lang.js';
export { DEFAULT_MALICIOUS_HOSTS } from './malicious-hosts.js';
export type {
  AlertLevel, Evidence, WebContentInput, WebLang, WebshellConfidence, WebshellFinding, WebshellScanOptions,
} from './types.js';
