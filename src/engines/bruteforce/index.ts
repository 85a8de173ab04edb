export type { AuthEvent, AuthService } from './auth-event.js';
export { AuthLogParser, type AuthLogParserOptions } from './auth-log-parser.js';
export {
  BruteForceDetector,
  validateRule,
  type BlockDecision,
  type BruteForceConfig,
  type BruteForceFinding,
  type BruteForceRule,
} from './detector.js';
export { IpAllowlist, cidrContains, isIp, isLoopback, isLoopbackOrPrivate, parseCidr, parseIp, type Cidr, type ParsedIp } from './ip.js';
export { SshdFailureFilter, type SshdFilterOptions } from './sshd-filter.js';
export type { SshdMode } from './sshd-rules.js';
export { parseSyslogLine, type SyslogRecord, type TimeContext, type WallTime } from './syslog-line.js';
