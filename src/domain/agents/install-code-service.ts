import type { Kysely } from 'kysely';
import type { Database } from '../../store/schema.js';
import { randomAlnum } from '../../iam/crypto.js';
import { VigilError } from '../errors.js';

export const VENDORS = ['ALIYUN', 'AWS', 'TENCENT', 'HUAWEICLOUD', 'IDC', 'OTHER'] as const;
export const INSTALL_OS = ['linux', 'windows'] as const;
/** Sas's console defaults to a 30-day command. */
export const DEFAULT_CODE_TTL_MS = 30 * 86_400_000;
const MAX_CODES_PER_ACCOUNT = 1000;

export interface InstallCodeView {
  CaptchaCode: string;
  ExpiredDate: number;
  GroupId: number;
  GroupName: string;
  Os: string;
  VendorName: string;
  OnlyImage: boolean;
}

export interface NewInstallCode {
  expiredDate?: number;
  groupId?: number;
  vendorName?: string;
  os?: string;
  onlyImage?: boolean;
}

/** Why a code cannot enroll, in words an operator can act on; null when it can. */
export type CodeRefusal = { code: string; message: string; status: number };

export interface UsableCode {
  code: string;
  accountId: string;
  groupId: number | null;
  vendorName: string;
  os: string;
  onlyImage: boolean;
}

export function normalizeVendor(v: string | undefined): string {
  const up = (v ?? 'OTHER').trim().toUpperCase();
  const alias: Record<string, string> = { ALIBABA: 'ALIYUN', ALIBABACLOUD: 'ALIYUN', TENCENTCLOUD: 'TENCENT', HUAWEI: 'HUAWEICLOUD', TENCENT: 'TENCENT' };
  const name = alias[up] ?? up;
  if (!(VENDORS as readonly string[]).includes(name)) throw new VigilError('InvalidParameter.VendorName', `VendorName must be one of ${VENDORS.join(', ')}.`, 400);
  return name;
}

export function normalizeOs(v: string | undefined): string {
  const os = (v ?? 'linux').trim().toLowerCase();
  if (!(INSTALL_OS as readonly string[]).includes(os)) throw new VigilError('InvalidParameter.Os', 'Os must be linux or windows.', 400);
  return os;
}

/** Install commands (SPEC ): a code carries expiry, vendor, default group, OS and image mode. */
export class InstallCodeService {
  constructor(private readonly db: Kysely<Database>) {}

  async create(accountId: string, input: NewInstallCode, now = Date.now()): Promise<InstallCodeView> {
    const expires = input.expiredDate ?? now + DEFAULT_CODE_TTL_MS;
    if (!Number.isSafeInteger(expires) || expires <= now) throw new VigilError('InvalidParameter.ExpiredDate', 'ExpiredDate must be a future time in epoch milliseconds.', 400);
    const count = await this.db
      .selectFrom('agent_install_codes')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('account_id', '=', accountId)
      .executeTakeFirstOrThrow();
    if (Number(count.n) >= MAX_CODES_PER_ACCOUNT) throw new VigilError('LimitExceeded.InstallCode', `At most ${MAX_CODES_PER_ACCOUNT} install codes; delete old ones first.`, 409);
    const row = {
      code: randomAlnum(12),
      account_id: accountId,
      expires_at: expires,
      group_id: input.groupId ?? null,
      vendor_name: normalizeVendor(input.vendorName),
      os: normalizeOs(input.os),
      only_image: input.onlyImage ? 1 : 0,
      enrolled: 0,
      created_at: now,
    };
    await this.db.insertInto('agent_install_codes').values(row).execute();
    return view(row);
  }

  async list(accountId: string): Promise<InstallCodeView[]> {
    const rows = await this.db.selectFrom('agent_install_codes').selectAll().where('account_id', '=', accountId).orderBy('created_at', 'desc').execute();
    return rows.map(view);
  }

  async remove(accountId: string, code: string): Promise<void> {
    const res = await this.db.deleteFrom('agent_install_codes').where('account_id', '=', accountId).where('code', '=', code).executeTakeFirst();
    if (Number(res.numDeletedRows) === 0) throw new VigilError('InstallCodeNotExist', `The install code ${code} does not exist.`, 404);
  }

  /** Checks a code presented by an installing host (any account: the code itself names it). */
  async check(code: string, now = Date.now()): Promise<UsableCode | CodeRefusal> {
    if (!/^[A-Za-z0-9]{4,64}$/.test(code)) return { code: 'InstallCodeInvalid', message: 'The install code is malformed; copy the command again from the console.', status: 400 };
    const row = await this.db.selectFrom('agent_install_codes').selectAll().where('code', '=', code).executeTakeFirst();
    if (!row) return { code: 'InstallCodeNotExist', message: 'The install code does not exist or was deleted; create a new install command in the console.', status: 404 };
    if (row.expires_at <= now) {
      return { code: 'InstallCodeExpired', message: `The install code expired at ${new Date(row.expires_at).toISOString()}; create a new install command in the console.`, status: 410 };
    }
    if (row.os === 'windows') {
      return { code: 'InstallCodeOsUnsupported', message: 'This install code is for Windows; Vigil agents run on Linux only. Create a Linux install command.', status: 400 };
    }
    return { code: row.code, accountId: row.account_id, groupId: row.group_id, vendorName: row.vendor_name, os: row.os, onlyImage: row.only_image === 1 };
  }

  async markUsed(code: string): Promise<void> {
    await this.db.updateTable('agent_install_codes').set((eb) => ({ enrolled: eb('enrolled', '+', 1) })).where('code', '=', code).execute();
  }
}

export function isRefusal(r: UsableCode | CodeRefusal): r is CodeRefusal {
  return 'status' in r;
}

function view(r: { code: string; expires_at: number; group_id: number | null; os: string; vendor_name: string; only_image: number }): InstallCodeView {
  return {
    CaptchaCode: r.code,
    ExpiredDate: r.expires_at,
    GroupId: r.group_id ?? 0,
    GroupName: r.group_id ? String(r.group_id) : 'default',
    Os: r.os,
    VendorName: r.vendor_name,
    OnlyImage: r.only_image === 1,
  };
}
