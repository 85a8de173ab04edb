import { Type } from '@sinclair/typebox';
import { defineAction } from './catalog-types.js';
import { VigilError } from '../domain/errors.js';
import { isRefusal } from '../domain/agents/install-code-service.js';
import { batchInstallFor, type BatchHostInput, type BatchTaskView } from '../domain/agents/batch-install.js';

/** Sas has no SSH batch install action; these are Vigil actions (SPEC) in the same style. */
const MAX_HOSTS = 500;

function str(o: Record<string, unknown>, k: string, max: number): string | undefined {
  const v = o[k];
  if (v === undefined || v === null || v === '') return undefined;
  if (typeof v !== 'string' || v.length > max) throw new VigilError('InvalidParameter', `Hosts: ${k} must be a string of at most ${max} characters.`, 400);
  return v;
}

/** Hosts: JSON array of {Host, Port?, User?, Password?, PrivateKey?, Passphrase?, HostKeySha256?}. */
export function parseHosts(raw: string): BatchHostInput[] {
  let items: unknown;
  try {
    items = JSON.parse(raw);
  } catch {
    throw new VigilError('InvalidParameter', 'Hosts is not valid JSON: expected an array of {Host, Port, User, Password | PrivateKey}.', 400);
  }
  if (!Array.isArray(items) || items.length === 0) throw new VigilError('InvalidParameter', 'Hosts must be a non-empty JSON array.', 400);
  if (items.length > MAX_HOSTS) throw new VigilError('InvalidParameter', `Hosts names more than ${MAX_HOSTS} hosts; split the batch.`, 400);
  return items.map((it, i) => {
    if (!it || typeof it !== 'object' || Array.isArray(it)) throw new VigilError('InvalidParameter', `Hosts[${i}] is not an object.`, 400);
    const o = it as Record<string, unknown>;
    const host = str(o, 'Host', 255);
    if (!host || !/^[A-Za-z0-9.\-:[\]]+$/.test(host)) throw new VigilError('InvalidParameter', `Hosts[${i}].Host must be a host name or IP address.`, 400);
    const port = o.Port === undefined || o.Port === '' ? 22 : Number(o.Port);
    if (!Number.isInteger(port) || port < 1 || port > 65535) throw new VigilError('InvalidParameter', `Hosts[${i}].Port must be 1-65535.`, 400);
    const user = str(o, 'User', 64) ?? 'root';
    if (!/^[A-Za-z0-9._-][A-Za-z0-9._@-]*$/.test(user)) throw new VigilError('InvalidParameter', `Hosts[${i}].User is not a valid user name.`, 400);
    const password = str(o, 'Password', 1024);
    const privateKey = str(o, 'PrivateKey', 32_768);
    const passphrase = str(o, 'Passphrase', 1024);
    const hostKeySha256 = str(o, 'HostKeySha256', 128);
    if (!password && !privateKey) throw new VigilError('InvalidParameter', `Hosts[${i}] needs a Password or a PrivateKey.`, 400);
    if (hostKeySha256 && !/^SHA256:[A-Za-z0-9+/]{43}$/.test(hostKeySha256)) throw new VigilError('InvalidParameter', `Hosts[${i}].HostKeySha256 must look like SHA256:<43 base64 chars> (ssh-keygen -lf).`, 400);
    return { host, port, user, ...(password ? { password } : {}), ...(privateKey ? { privateKey } : {}), ...(passphrase ? { passphrase } : {}), ...(hostKeySha256 ? { hostKeySha256 } : {}) };
  });
}

export const createBatchInstallTask = defineAction({
  name: 'CreateBatchInstallTask',
  product: 'Sas',
  ramActions: ['yundun-sas:CreateBatchInstallTask'],
  rw: 'Write',
  description:
    'Installs the agent on many Linux hosts over SSH by running the install one-liner (curl or wget) with an install code, at most Parallelism hosts at a time. Credentials are used in memory for the task only: never stored, logged or returned.',
  params: Type.Object({
    Hosts: Type.String({ minLength: 2, maxLength: 900_000, description: 'JSON array of {Host, Port, User, Password | PrivateKey, Passphrase?, HostKeySha256?}.' }),
    ServerUrl: Type.String({ minLength: 8, maxLength: 300, description: 'Server address the hosts can reach, e.g. https://vigil.example:8443.' }),
    CaptchaCode: Type.Optional(Type.String({ maxLength: 64, description: 'Install code; a new 1-day code is created when omitted.' })),
    Downloader: Type.Optional(Type.Union([Type.Literal('curl'), Type.Literal('wget')])),
    Parallelism: Type.Optional(Type.Integer({ minimum: 1, maximum: 50 })),
  }),
  secretParams: ['Hosts'],
  response: Type.Object({ RequestId: Type.String(), TaskId: Type.String(), CaptchaCode: Type.String() }),
  async handler(ctx, p) {
    if (!/^https?:\/\/[A-Za-z0-9.\-:[\]]{1,255}\/?$/.test(p.ServerUrl)) throw new VigilError('InvalidParameter', 'ServerUrl must be http(s)://host[:port].', 400);
    const hosts = parseHosts(p.Hosts);
    const now = ctx.meta.now.getTime();
    let code = p.CaptchaCode;
    if (code) {
      const checked = await ctx.services.installCodes.check(code, now);
      if (isRefusal(checked)) throw new VigilError(checked.code, checked.message, checked.status);
      if (checked.accountId !== ctx.principal.accountId) throw new VigilError('InstallCodeNotExist', 'The install code does not exist or was deleted.', 404);
    } else {
      code = (await ctx.services.installCodes.create(ctx.principal.accountId, { expiredDate: now + 86_400_000 }, now)).CaptchaCode;
    }
    const task = await batchInstallFor(ctx.services).create(ctx.principal.accountId, { serverUrl: p.ServerUrl.replace(/\/$/, ''), code, downloader: p.Downloader ?? 'curl', parallelism: p.Parallelism ?? 10, hosts }, now);
    return { TaskId: task.taskId, CaptchaCode: code };
  },
});

const HostRow = Type.Object({
  Host: Type.String(), Port: Type.Integer(), User: Type.String(), State: Type.String(), Result: Type.String(), ExitCode: Type.Integer(),
  Message: Type.String(), OutputTail: Type.String(), HostKeySha256: Type.String(), StartTime: Type.Integer(), EndTime: Type.Integer(),
});

const TaskRow = Type.Object({
  TaskId: Type.String(), CaptchaCode: Type.String(), Downloader: Type.String(), Parallelism: Type.Integer(), CreateTime: Type.Integer(), EndTime: Type.Integer(),
  Finished: Type.Boolean(), Total: Type.Integer(), Pending: Type.Integer(), Running: Type.Integer(), Succeeded: Type.Integer(), Failed: Type.Integer(),
  Hosts: Type.Array(HostRow),
});

function taskRow(t: BatchTaskView) {
  const count = (s: string) => t.hosts.filter((h) => h.state === s).length;
  return {
    TaskId: t.taskId, CaptchaCode: t.code, Downloader: t.downloader, Parallelism: t.parallelism, CreateTime: t.createdAt, EndTime: t.finishedAt,
    Finished: t.finishedAt > 0, Total: t.hosts.length, Pending: count('pending'), Running: count('running'), Succeeded: count('succeeded'), Failed: count('failed'),
    Hosts: t.hosts.map((h) => ({
      Host: h.host, Port: h.port, User: h.user, State: h.state, Result: h.result, ExitCode: h.exitCode ?? -1, Message: h.message,
      OutputTail: h.outputTail, HostKeySha256: h.hostKeySha256, StartTime: h.startedAt, EndTime: h.finishedAt,
    })),
  };
}

export const describeBatchInstallTask = defineAction({
  name: 'DescribeBatchInstallTask',
  product: 'Sas',
  ramActions: ['yundun-sas:DescribeBatchInstallTask'],
  rw: 'Read',
  description: 'Progress and per-host result of a batch install: State pending|running|succeeded|failed; Result ok|connect_failed|auth_failed|host_key_mismatch|timeout|script_failed|interrupted, with the exit code and the tail of the installer output.',
  params: Type.Object({ TaskId: Type.String({ minLength: 1, maxLength: 64 }) }),
  response: Type.Object({ RequestId: Type.String(), Task: TaskRow }),
  async handler(ctx, p) {
    return { Task: taskRow(await batchInstallFor(ctx.services).get(ctx.principal.accountId, p.TaskId)) };
  },
});

export const describeBatchInstallTasks = defineAction({
  name: 'DescribeBatchInstallTasks',
  product: 'Sas',
  ramActions: ['yundun-sas:DescribeBatchInstallTask'],
  rw: 'Read',
  description: 'Batch install tasks of the last 7 days (kept in the database; hosts a server restart cut short are `interrupted`), newest first, without per-host output.',
  params: Type.Object({}),
  response: Type.Object({ RequestId: Type.String(), Tasks: Type.Array(TaskRow) }),
  async handler(ctx) {
    return { Tasks: (await batchInstallFor(ctx.services).list(ctx.principal.accountId)).map((t) => ({ ...taskRow(t), Hosts: [] })) };
  },
});

export const BATCH_INSTALL_ACTIONS = [createBatchInstallTask, describeBatchInstallTask, describeBatchInstallTasks];
