export { buildTraceReport, type TraceItem, type TraceLevel, type TraceReport, type TraceReportOptions, type TraceSection, type TraceSectionId } from './report.js';
export type {
  AcceptedLogin,
  AccountEntry,
  ChangedFile,
  EnabledUnit,
  HostTextFile,
  LoginRecord,
  PasswordStatus,
  PersistenceSnapshot,
  TempExecutable,
  TraceSnapshot,
} from './trace-snapshot.js';
