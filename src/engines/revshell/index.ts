export { analyzeArgvCached, analyzeCommandLine, type CommandLineAnalysis, type CommandVerdict } from './command-line.js';
export { detectReverseShells } from './detect.js';
export type {
  DetectOptions,
  PeerRef,
  ProcessRef,
  RelayHop,
  ReverseShellClass,
  ReverseShellFinding,
  ReverseShellLevel,
  ReverseShellRuleId,
} from './finding-types.js';
