export { analyzeArgvCached, analyzeCommandLine, type CommandLineAnalysis, type CommandVerdict } from './command-line.js';
export { detectReverseShells } from './detect.js';
export { analyzeScriptProgram, memoScriptAnalysis, scriptOperand, type ScriptProgramAnalysis } from './script-program.js';
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
