/** Shapes of the asset-center actions as the console reads them (a subset of the Sas fields). */
export interface AssetInstance {
  Uuid: string;
  InstanceName: string;
  IntranetIp: string;
  InternetIp: string;
  IpListString: string;
  OsName: string;
  Kernel: string;
  Cores: number;
  Mem: number;
  CpuInfo: string;
  ClientStatus: 'online' | 'offline' | 'pause' | string;
  GroupId: number;
  GroupTrace: string;
  Tag: string;
  Importance: number;
  VendorName: string;
  MacListString: string;
  LastLoginTimestamp: number;
  CreatedTime: number;
}

export interface PageInfo {
  Count: number;
  CurrentPage: number;
  PageSize: number;
  TotalCount: number;
}

export interface InstancesResponse {
  Instances: AssetInstance[];
  PageInfo: PageInfo;
}

export interface AssetGroup {
  GroupId: number;
  GroupName: string;
  GroupFlag: number;
}

export interface PropertyResponse<T> {
  Propertys: T[];
  PageInfo: PageInfo;
}

export interface Criterion {
  name: string;
  value: string;
}

export interface AssetFilters {
  /** Free-text field and value chosen in the search bar. */
  field: string;
  text: string;
  clientStatus?: string;
  importance?: number;
  groupId?: number;
  logicalExp: 'AND' | 'OR';
}

/** Fields the search bar offers (all are DescribeCriteria names). */
export const SEARCH_FIELDS = ['instanceName', 'ip', 'uuid', 'osName', 'kernel', 'port', 'process', 'software', 'tagName'] as const;

/** The DescribeCloudCenterInstances parameters for the current filters and page. */
export function buildInstanceParams(f: AssetFilters, currentPage: number, pageSize: number): Record<string, string | number> {
  const criteria: Criterion[] = [];
  const text = f.text.trim();
  if (text !== '') criteria.push({ name: f.field, value: text });
  if (f.clientStatus) criteria.push({ name: 'clientStatus', value: f.clientStatus });
  if (f.groupId !== undefined) criteria.push({ name: 'groupId', value: String(f.groupId) });
  const params: Record<string, string | number> = { CurrentPage: currentPage, PageSize: pageSize };
  if (criteria.length > 0) {
    params.Criteria = JSON.stringify(criteria);
    params.LogicalExp = f.logicalExp;
  }
  if (f.importance !== undefined) params.Importance = f.importance;
  return params;
}
