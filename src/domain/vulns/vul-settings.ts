/**
 * Vulnerability settings (Sas ModifyVulConfig / ModifyVulTargetConfig): per type on/off for the
 * account and per host, scan mode (all | real risks only), the urgency levels shown (scan levels)
 * and the scan cycle after which the server asks an agent for a fresh inventory.
 */
import type { Kysely } from 'kysely';
import type { Database } from '../../store/schema.js';
import { VigilError } from '../errors.js';

/** Vulnerability types with an on/off switch (Sas ModifyVulConfig Type). */
export const VUL_TYPES = ['cve', 'sys', 'cms', 'app', 'emg', 'yum'] as const;
export const SCAN_CYCLES = { '1day': 86_400_000, '3days': 3 * 86_400_000, '1week': 7 * 86_400_000, '2weeks': 14 * 86_400_000 } as const;
export const LEVELS = ['asap', 'later', 'nntf'] as const;

/** Each setting type, its default and a validator that returns the canonical value. */
const SETTINGS: Record<string, { def: string; norm(v: string): string | undefined; hostLevel: boolean }> = {
  ...Object.fromEntries(VUL_TYPES.map((t) => [t, { def: 'on', norm: (v: string) => (v === 'on' || v === 'off' ? v : undefined), hostLevel: true }])),
  scanMode: { def: 'all', norm: (v) => (v === 'all' || v === 'real' ? v : undefined), hostLevel: false },
  vulLevel: {
    def: LEVELS.join(','),
    norm: (v) => {
      const list = v.split(',').map((x) => x.trim()).filter(Boolean);
      if (list.length === 0 || list.some((x) => !(LEVELS as readonly string[]).includes(x))) return undefined;
      return LEVELS.filter((l) => list.includes(l)).join(',');
    },
    hostLevel: false,
  },
  scanCycle: { def: '1week', norm: (v) => (v in SCAN_CYCLES ? v : undefined), hostLevel: false },
};

export const SETTING_TYPES = Object.keys(SETTINGS);

export interface VulSetting {
  type: string;
  /** This scope's value (the host's own, or the account's). */
  config: string;
  /** The account-wide value. */
  overall: string;
}

function spec(type: string, host: boolean) {
  const s = SETTINGS[type];
  if (!s || (host && !s.hostLevel)) {
    const allowed = host ? VUL_TYPES.join(', ') : SETTING_TYPES.join(', ');
    throw new VigilError('InvalidParameter', `Type must be one of ${allowed}.`, 400);
  }
  return s;
}

async function rows(db: Kysely<Database>, accountId: string, uuids: string[]): Promise<Map<string, string>> {
  const r = await db.selectFrom('vul_settings').select(['uuid', 'type', 'config']).where('account_id', '=', accountId).where('uuid', 'in', uuids).execute();
  return new Map(r.map((x) => [`${x.uuid}\u0000${x.type}`, x.config]));
}

/** Settings of the account (uuid absent) or of one host, for one type or all. */
export async function describeSettings(db: Kysely<Database>, accountId: string, opts: { type?: string; uuid?: string } = {}): Promise<VulSetting[]> {
  const host = opts.uuid !== undefined && opts.uuid !== '';
  const types = opts.type ? [opts.type] : host ? [...VUL_TYPES] : SETTING_TYPES;
  for (const t of types) spec(t, host);
  const got = await rows(db, accountId, host ? ['', opts.uuid as string] : ['']);
  return types.map((type) => {
    const overall = got.get(`\u0000${type}`) ?? spec(type, false).def;
    const config = host ? (got.get(`${opts.uuid}\u0000${type}`) ?? overall) : overall;
    return { type, config, overall };
  });
}

export async function modifySetting(db: Kysely<Database>, accountId: string, type: string, config: string, uuid = '', now = Date.now()): Promise<void> {
  const s = spec(type, uuid !== '');
  const value = s.norm(config.trim());
  if (value === undefined) throw new VigilError('InvalidParameter', `Config ${JSON.stringify(config.slice(0, 64))} is not valid for Type ${type}.`, 400);
  const upd = await db.updateTable('vul_settings').set({ config: value, updated_at: now }).where('account_id', '=', accountId).where('uuid', '=', uuid).where('type', '=', type).executeTakeFirst();
  if (Number(upd.numUpdatedRows) === 0) await db.insertInto('vul_settings').values({ account_id: accountId, uuid, type, config: value, updated_at: now }).execute();
}

/** What the read side applies to one vulnerability type's findings. */
export interface ScanView {
  enabled: boolean;
  /** Hosts whose scan of this type is switched off. */
  hostsOff: string[];
  levels: string[];
  realOnly: boolean;
}

export async function scanView(db: Kysely<Database>, accountId: string, type: string): Promise<ScanView> {
  const all = await db.selectFrom('vul_settings').select(['uuid', 'type', 'config']).where('account_id', '=', accountId).where('type', 'in', [type, 'scanMode', 'vulLevel']).execute();
  const global = (t: string) => all.find((r) => r.uuid === '' && r.type === t)?.config ?? SETTINGS[t]?.def ?? '';
  return {
    enabled: global(type) !== 'off',
    hostsOff: all.filter((r) => r.uuid !== '' && r.type === type && r.config === 'off').map((r) => r.uuid),
    levels: global('vulLevel').split(','),
    realOnly: global('scanMode') === 'real',
  };
}

/** Scan cycle of each account that set one (the default applies to the others). */
export async function scanCycleMs(db: Kysely<Database>, accountId: string): Promise<number> {
  const r = await db.selectFrom('vul_settings').select('config').where('account_id', '=', accountId).where('uuid', '=', '').where('type', '=', 'scanCycle').executeTakeFirst();
  const cycle = (r?.config ?? SETTINGS.scanCycle?.def ?? '1week') as keyof typeof SCAN_CYCLES;
  return SCAN_CYCLES[cycle] ?? SCAN_CYCLES['1week'];
}
