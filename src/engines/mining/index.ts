export { sustainedCpu, type CpuSample, type CpuWindowOptions, type SustainedCpu } from './cpu.js';
export { detectMiners, type MinerDetectOptions, type MinerFinding, type MinerPeer, type MinerRuleId } from './detect.js';
export {
  emptyIocs,
  findStratumUrls,
  isMinerName,
  parseMinerIocs,
  poolDomainFor,
  type IocParseResult,
  type MinerIocs,
  type StratumUrl,
} from './iocs.js';
export {
  cleanupPlan,
  findPersistence,
  type CleanupStep,
  type PersistenceFinding,
  type PersistenceIndicators,
  type PersistenceKind,
  type PersistenceOptions,
} from './persistence.js';
