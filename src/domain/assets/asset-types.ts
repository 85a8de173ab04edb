/** The asset center's view of a host, as the list and detail actions present it. */
export type ClientStatus = 'online' | 'offline' | 'pause';

export interface InstanceView {
  uuid: string;
  instanceName: string;
  hostname: string;
  intranetIp: string;
  internetIp: string;
  ips: string[];
  macs: string[];
  os: string;
  osName: string;
  kernel: string;
  arch: string;
  cpuInfo: string;
  cores: number;
  memMb: number;
  groupId: number;
  groupName: string;
  importance: number;
  vendor: number;
  vendorName: string;
  regionId: string;
  tags: Array<{ id: number; name: string }>;
  clientStatus: ClientStatus;
  lastHeartbeatAt: number | null;
  agentVersion: string;
  lastInventoryAt: number;
  createdAt: number;
  counts: Record<string, number>;
  warnings: string[];
}

export interface Criterion {
  name: string;
  value: string;
}

export interface InstanceQuery {
  criteria: Criterion[];
  logicalExp: 'AND' | 'OR';
  importance?: number;
  /** 1-based. */
  currentPage: number;
  pageSize: number;
}

export interface Page<T> {
  items: T[];
  totalCount: number;
  currentPage: number;
  pageSize: number;
}

/** Vendor codes of Sas `Vendor` (assumption from the Sas docs: 0 Alibaba Cloud, 2 IDC, others cloud vendors). */
export const VENDORS: Record<string, number> = { alibaba: 0, aliyun: 0, other: 1, idc: 2, tencent: 3, huawei: 4, azure: 5, aws: 7 };

export function vendorCode(name: string): number {
  return VENDORS[name.toLowerCase()] ?? 1;
}
