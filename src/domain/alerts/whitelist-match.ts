import type { AlertDetails } from './alert-types.js';

export type WhitelistOperate = 'contains' | 'notContains' | 'regex' | 'strEqual' | 'strNotEqual';
export const WHITELIST_OPERATES: readonly WhitelistOperate[] = ['contains', 'notContains', 'regex', 'strEqual', 'strNotEqual'];

/** Fields a whitelist rule can test (Sas MarkMissParam `field`). */
export const WHITELIST_FIELDS = ['name', 'cmdline', 'exe', 'comm', 'peerIp', 'peerPort', 'uid', 'filePath', 'parentCmdline'] as const;
export type WhitelistField = (typeof WHITELIST_FIELDS)[number];

export interface WhitelistRule {
  ruleId: string;
  field: WhitelistField;
  operate: WhitelistOperate;
  fieldValue: string;
  /** An agent uuid or `ALL`. */
  scopeUuid: string;
}

const MAX_PATTERN = 512;

/** The value of `field` for an alert, '' when the alert has none. */
export function fieldValue(field: WhitelistField, name: string, d: AlertDetails): string {
  switch (field) {
    case 'name':
      return name;
    case 'cmdline':
      return (d.cmdline ?? d.processChain?.[0]?.cmdline ?? []).join(' ');
    case 'exe':
      return d.exe ?? '';
    case 'comm':
      return d.comm ?? d.processChain?.[0]?.comm ?? '';
    case 'peerIp':
      return d.peer?.remoteAddress ?? '';
    case 'peerPort':
      return d.peer ? String(d.peer.remotePort) : '';
    case 'uid':
      return d.uid !== undefined ? String(d.uid) : '';
    case 'filePath':
      return d.file?.path ?? '';
    case 'parentCmdline':
      return (d.processChain?.[1]?.cmdline ?? []).join(' ');
  }
}

/** Validates a rule's pattern (regexes must compile and stay short); returns an error message or null. */
export function validateRule(r: Pick<WhitelistRule, 'operate' | 'fieldValue'>): string | null {
  if (r.fieldValue.length === 0 || r.fieldValue.length > MAX_PATTERN) return `fieldValue must be 1..${MAX_PATTERN} characters`;
  if (r.operate === 'regex') {
    try {
      new RegExp(r.fieldValue);
    } catch (err) {
      return `invalid regex: ${(err as Error).message}`;
    }
  }
  return null;
}

export function ruleMatches(r: WhitelistRule, uuid: string, ruleId: string, name: string, d: AlertDetails): boolean {
  if (r.ruleId !== ruleId) return false;
  if (r.scopeUuid !== 'ALL' && r.scopeUuid !== uuid) return false;
  const v = fieldValue(r.field, name, d).slice(0, 8192);
  switch (r.operate) {
    case 'contains':
      return v.includes(r.fieldValue);
    case 'notContains':
      return !v.includes(r.fieldValue);
    case 'strEqual':
      return v === r.fieldValue;
    case 'strNotEqual':
      return v !== r.fieldValue;
    case 'regex':
      try {
        return new RegExp(r.fieldValue).test(v);
      } catch {
        return false;
      }
  }
}
