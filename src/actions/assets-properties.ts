import { Type, type TProperties } from '@sinclair/typebox';
import { defineAction, type ActionContext } from './catalog-types.js';
import { VigilError } from '../domain/errors.js';
import type { ItemKind } from '../domain/assets/inventory-rows.js';
import { queryItems, type ItemFilter, type ItemRow } from '../domain/assets/item-query.js';

const Str = (max = 256) => Type.Optional(Type.String({ maxLength: max }));
const Paging = {
  CurrentPage: Type.Optional(Type.Integer({ minimum: 1, maximum: 1_000_000 })),
  PageSize: Type.Optional(Type.Integer({ minimum: 1, maximum: 100 })),
  NextToken: Str(128),
  UseNextToken: Type.Optional(Type.Boolean()),
  Extend: Str(),
  Remark: Str(),
  Uuid: Str(64),
  ResourceDirectoryAccountId: Type.Optional(Type.Integer()),
};
const PageInfo = Type.Object({ Count: Type.Integer(), CurrentPage: Type.Integer(), NextToken: Type.String(), PageSize: Type.Integer(), TotalCount: Type.Integer() });
const HostFields = { CreateTimestamp: Type.Integer(), InstanceId: Type.String(), InstanceName: Type.String(), InternetIp: Type.String(), IntranetIp: Type.String(), Uuid: Type.String() };

/** Sas shows times as `YYYY-MM-DD HH:mm:ss` (UTC here). */
const dateTime = (ms: number | null) => (ms ? new Date(ms).toISOString().replace('T', ' ').replace(/\.\d+Z$/, '') : '');
const hostFields = (r: ItemRow) => ({ CreateTimestamp: r.collectedAt, InstanceId: r.uuid, InstanceName: r.instanceName, InternetIp: r.internetIp, IntranetIp: r.intranetIp, Uuid: r.uuid });

const encodeToken = (page: number) => Buffer.from(`p:${page}`).toString('base64url');
function pageOf(p: { CurrentPage?: number; NextToken?: string; UseNextToken?: boolean }): number {
  if (!p.UseNextToken || !p.NextToken) return p.CurrentPage ?? 1;
  const m = /^p:(\d{1,9})$/.exec(Buffer.from(p.NextToken, 'base64url').toString('utf8'));
  if (!m) throw new VigilError('InvalidParameter', 'NextToken is not one this server issued.', 400);
  return Number(m[1]);
}

async function page(ctx: ActionContext, kind: ItemKind, p: { CurrentPage?: number; PageSize?: number; NextToken?: string; UseNextToken?: boolean; Uuid?: string; Remark?: string }, filter: ItemFilter) {
  const current = pageOf(p);
  const size = p.PageSize ?? 10;
  const res = await queryItems(ctx.services.store.db, ctx.principal.accountId, kind, { ...filter, ...(p.Uuid ? { uuid: p.Uuid } : {}), ...(p.Remark ? { remark: p.Remark } : {}) }, current, size);
  const more = current * size < res.totalCount;
  return { rows: res.items, PageInfo: { Count: res.items.length, CurrentPage: current, NextToken: more ? encodeToken(current + 1) : '', PageSize: size, TotalCount: res.totalCount } };
}

function propertyAction<P extends TProperties, I extends TProperties>(name: string, description: string, params: P, item: I) {
  return { name, description, params: Type.Object({ ...Paging, ...params }), response: Type.Object({ RequestId: Type.String(), PageInfo, Propertys: Type.Array(Type.Object({ ...HostFields, ...item })) }) };
}

const proc = propertyAction(
  'DescribePropertyProcDetail',
  'Processes of the hosts (exe hash, user, start time); search by Name, Cmdline, User, start time range.',
  { Cmdline: Str(1024), Name: Str(), ProcTimeEnd: Type.Optional(Type.Integer()), ProcTimeStart: Type.Optional(Type.Integer()), User: Str() },
  { Cmdline: Type.String(), EuidName: Type.String(), FileHash: Type.String(), IsPackage: Type.Integer(), Md5: Type.String(), Name: Type.String(), Path: Type.String(), Pid: Type.String(), Pname: Type.String(), StartTime: Type.String(), StartTimeDt: Type.Integer(), State: Type.String(), User: Type.String() },
);
export const describePropertyProcDetail = defineAction({
  ...proc,
  product: 'Sas',
  ramActions: ['yundun-sas:DescribePropertyProcDetail'],
  rw: 'Read',
  async handler(ctx, p) {
    const { rows, PageInfo } = await page(ctx, 'process', p, {
      ...(p.Name ? { name: p.Name } : {}),
      ...(p.Cmdline ? { detail: p.Cmdline } : {}),
      ...(p.User ? { user: p.User } : {}),
      ...(p.ProcTimeStart !== undefined ? { tsFrom: p.ProcTimeStart } : {}),
      ...(p.ProcTimeEnd !== undefined ? { tsTo: p.ProcTimeEnd } : {}),
    });
    // Parent names come from the same host's snapshot.
    const parents = new Map<string, string>();
    const ppids = rows.map((r) => ({ uuid: r.uuid, ppid: Number(r.data.ppid) }));
    for (const { uuid, ppid } of ppids) {
      if (parents.has(`${uuid}:${ppid}`) || !ppid) continue;
      const parent = await ctx.services.store.db.selectFrom('asset_items').select('name').where('account_id', '=', ctx.principal.accountId).where('uuid', '=', uuid).where('kind', '=', 'process').where('pid', '=', ppid).executeTakeFirst();
      parents.set(`${uuid}:${ppid}`, parent?.name ?? '');
    }
    return {
      PageInfo,
      Propertys: rows.map((r) => ({
        ...hostFields(r),
        Cmdline: r.detail,
        EuidName: r.userName,
        FileHash: r.version,
        IsPackage: 0,
        Md5: '',
        Name: r.name,
        Path: r.path,
        Pid: String(r.pid ?? ''),
        Pname: parents.get(`${r.uuid}:${Number(r.data.ppid)}`) ?? '',
        StartTime: dateTime(r.ts),
        StartTimeDt: r.ts ?? 0,
        State: String(r.data.state ?? ''),
        User: r.userName,
      })),
    };
  },
});

const port = propertyAction(
  'DescribePropertyPortDetail',
  'Listening ports with the owning process; search by Port, ProcName, BindIp.',
  { BindIp: Str(64), Port: Str(8), ProcName: Str() },
  { BindIp: Type.String(), Ip: Type.String(), Pid: Type.String(), Port: Type.String(), ProcName: Type.String(), Proto: Type.String() },
);
export const describePropertyPortDetail = defineAction({
  ...port,
  product: 'Sas',
  ramActions: ['yundun-sas:DescribePropertyPortDetail'],
  rw: 'Read',
  async handler(ctx, p) {
    let portNumber: number | undefined;
    if (p.Port !== undefined && p.Port !== '') {
      portNumber = Number(p.Port);
      if (!Number.isInteger(portNumber) || portNumber < 0 || portNumber > 65535) throw new VigilError('InvalidParameter', 'Port must be a port number.', 400);
    }
    const { rows, PageInfo } = await page(ctx, 'port', p, {
      ...(portNumber !== undefined ? { port: portNumber } : {}),
      ...(p.ProcName ? { name: p.ProcName } : {}),
      ...(p.BindIp ? { detail: p.BindIp } : {}),
    });
    return {
      PageInfo,
      Propertys: rows.map((r) => ({ ...hostFields(r), BindIp: r.detail, Ip: r.intranetIp || r.internetIp, Pid: r.pid === null ? '' : String(r.pid), Port: String(r.port ?? ''), ProcName: r.name, Proto: r.version.startsWith('udp') ? 'udp' : 'tcp' })),
    };
  },
});

const user = propertyAction(
  'DescribePropertyUserDetail',
  'Accounts of the hosts (root, sudo, login shell, password state, last login); search by User, IsRoot, last-login range.',
  { IsRoot: Str(1), LastLoginTimeEnd: Type.Optional(Type.Integer()), LastLoginTimeStart: Type.Optional(Type.Integer()), User: Str() },
  {
    AccountsExpirationDate: Type.String(), GroupNames: Type.Array(Type.String()), Ip: Type.String(), IsCouldLogin: Type.Integer(), IsPasswdExpired: Type.Integer(),
    IsPasswdLocked: Type.Integer(), IsRoot: Type.String(), IsSudoer: Type.Integer(), IsUserExpired: Type.Integer(), LastLoginIp: Type.String(), LastLoginTime: Type.String(),
    LastLoginTimeDt: Type.Integer(), LastLoginTimestamp: Type.Integer(), PasswordExpirationDate: Type.String(), Status: Type.String(), User: Type.String(),
  },
);
export const describePropertyUserDetail = defineAction({
  ...user,
  product: 'Sas',
  ramActions: ['yundun-sas:DescribePropertyUserDetail'],
  rw: 'Read',
  async handler(ctx, p) {
    const { rows, PageInfo } = await page(ctx, 'account', p, {
      ...(p.User ? { user: p.User } : {}),
      ...(p.IsRoot === '1' || p.IsRoot === '0' ? { flag: Number(p.IsRoot) } : {}),
      ...(p.LastLoginTimeStart !== undefined ? { tsFrom: p.LastLoginTimeStart } : {}),
      ...(p.LastLoginTimeEnd !== undefined ? { tsTo: p.LastLoginTimeEnd } : {}),
    });
    const now = ctx.meta.now.getTime();
    const date = (ms: unknown) => (typeof ms === 'number' ? new Date(ms).toISOString().slice(0, 10) : 'never');
    return {
      PageInfo,
      Propertys: rows.map((r) => {
        const d = r.data;
        const pwExp = typeof d.passwordExpiresAt === 'number' ? d.passwordExpiresAt : undefined;
        const accExp = typeof d.accountExpiresAt === 'number' ? d.accountExpiresAt : undefined;
        // Sas flags here: 0 = yes, 1 = no for the *Expired/*Locked fields.
        return {
          ...hostFields(r),
          AccountsExpirationDate: date(accExp),
          GroupNames: Array.isArray(d.groups) ? d.groups.map(String) : [],
          Ip: r.intranetIp || r.internetIp,
          IsCouldLogin: d.loginShell === true && d.passwordState !== 'locked' ? 1 : 0,
          IsPasswdExpired: pwExp !== undefined && pwExp < now ? 0 : 1,
          IsPasswdLocked: d.passwordState === 'locked' || d.passwordState === 'none' ? 0 : 1,
          IsRoot: r.flag === 1 ? '1' : '0',
          IsSudoer: d.sudoer === true ? 1 : 0,
          IsUserExpired: accExp !== undefined && accExp < now ? 0 : 1,
          LastLoginIp: typeof d.lastLoginFrom === 'string' ? d.lastLoginFrom : '',
          LastLoginTime: dateTime(r.ts),
          LastLoginTimeDt: r.ts ?? 0,
          LastLoginTimestamp: r.ts ?? 0,
          PasswordExpirationDate: date(pwExp),
          Status: String(d.passwordState ?? ''),
          User: r.name,
        };
      }),
    };
  },
});

const software = propertyAction(
  'DescribePropertySoftwareDetail',
  'Installed software (dpkg, rpm, apk, pip, npm, jar); search by Name, SoftwareVersion, Path, install-time range.',
  { InstallTimeEnd: Type.Optional(Type.Integer()), InstallTimeStart: Type.Optional(Type.Integer()), Name: Str(), Path: Str(1024), SoftwareVersion: Str() },
  { InstallTime: Type.String(), InstallTimeDt: Type.Integer(), Ip: Type.String(), Name: Type.String(), Path: Type.String(), Version: Type.String() },
);
export const describePropertySoftwareDetail = defineAction({
  ...software,
  product: 'Sas',
  ramActions: ['yundun-sas:DescribePropertySoftwareDetail'],
  rw: 'Read',
  async handler(ctx, p) {
    const { rows, PageInfo } = await page(ctx, 'software', p, {
      ...(p.Name ? { name: p.Name } : {}),
      ...(p.SoftwareVersion ? { version: p.SoftwareVersion } : {}),
      ...(p.Path ? { path: p.Path } : {}),
      ...(p.InstallTimeStart !== undefined ? { tsFrom: p.InstallTimeStart } : {}),
      ...(p.InstallTimeEnd !== undefined ? { tsTo: p.InstallTimeEnd } : {}),
    });
    return {
      PageInfo,
      Propertys: rows.map((r) => ({ ...hostFields(r), InstallTime: dateTime(r.ts), InstallTimeDt: r.ts ?? 0, Ip: r.intranetIp || r.internetIp, Name: r.name, Path: r.path || r.detail, Version: r.version })),
    };
  },
});

const cron = propertyAction(
  'DescribePropertyCronDetail',
  'Scheduled tasks (system crontab, cron.d, user spools, run-parts); search by User, Source.',
  { Source: Str(1024), User: Str() },
  { Cmd: Type.String(), Ip: Type.String(), Md5: Type.String(), Period: Type.String(), Source: Type.String(), User: Type.String() },
);
export const describePropertyCronDetail = defineAction({
  ...cron,
  product: 'Sas',
  ramActions: ['yundun-sas:DescribePropertyCronDetail'],
  rw: 'Read',
  async handler(ctx, p) {
    const { rows, PageInfo } = await page(ctx, 'cron', p, { ...(p.User ? { user: p.User } : {}), ...(p.Source ? { path: p.Source } : {}) });
    return {
      PageInfo,
      Propertys: rows.map((r) => ({ ...hostFields(r), Cmd: r.name, Ip: r.intranetIp || r.internetIp, Md5: '', Period: r.detail, Source: r.path, User: r.userName })),
    };
  },
});

export const ASSET_PROPERTY_ACTIONS = [describePropertyProcDetail, describePropertyPortDetail, describePropertyUserDetail, describePropertySoftwareDetail, describePropertyCronDetail];
