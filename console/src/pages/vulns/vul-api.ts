/** Shapes of the vulnerability actions as the console reads them (a subset of the Sas fields). */
export interface GroupedVul {
  Name: string;
  AliasName: string;
  AsapCount: number;
  LaterCount: number;
  NntfCount: number;
  HandledCount: number;
  Tags: string;
  Related: string;
  Level: string;
  CvssScore: string;
  GmtLast: number;
}

export interface RpmEntity {
  Name: string;
  FullVersion: string;
  MatchDetail: string;
  UpdateCmd: string;
  Pid: string;
}

export interface RelatedProcess {
  Package: string;
  Pid: number;
  Name: string;
  Path: string;
}

export interface FixPreview {
  Uuid: string;
  Command: string;
  Changes: Array<{ Action: string; Name: string; From: string; To: string }>;
  ExtraPackages: string[];
  Error: string;
}

export interface VulRecord {
  Name: string;
  Uuid: string;
  InstanceName: string;
  IntranetIp: string;
  InternetIp: string;
  Status: number;
  Necessity: string;
  Reason: string;
  ResultMessage: string;
  RelatedProcesses: RelatedProcess[];
  ExtendContentJson: { RpmEntityList: RpmEntity[]; cveList: string[] };
}

export interface VulFilters {
  /** Sas vulnerability type: cve (OS packages), app (pip/npm/jar), cms (WordPress/Drupal/Joomla). */
  type: 'cve' | 'app' | 'cms';
  necessity: string;
  dealed: string;
}

export const NECESSITY_COLORS: Record<string, string> = { asap: 'red', later: 'orange', nntf: 'default' };
export const STATUS_COLORS: Record<number, string> = { 1: 'red', 2: 'volcano', 4: 'processing', 6: 'processing', 7: 'green', 8: 'gold', 10: 'default' };

export function vulInfo(name: string, uuid: string): string {
  return JSON.stringify([{ name, uuid }]);
}
