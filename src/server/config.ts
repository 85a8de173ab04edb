import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { resolve } from 'node:path';
import { Type, type Static } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { DEFAULT_TIMESTAMP_WINDOW_SEC } from '../agent/protocol.js';

const FACILITY_NAMES = ['kern', 'user', 'mail', 'daemon', 'auth', 'syslog', 'lpr', 'news', 'uucp', 'cron', 'authpriv', 'ftp', 'ntp', 'audit', 'alert', 'clock', 'local0', 'local1', 'local2', 'local3', 'local4', 'local5', 'local6', 'local7'];
const QueueKeys = {
  maxQueue: Type.Optional(Type.Integer({ minimum: 1, maximum: 1_000_000, description: 'records held in memory while the target is down; oldest dropped beyond' })),
  batchSize: Type.Optional(Type.Integer({ minimum: 1, maximum: 5000 })),
};

/** `audit.forward`: syslog (RFC 5424) and webhook targets for SIEMs (docs/audit-forwarding.md). */
const AuditForwardSchema = Type.Object(
  {
    syslog: Type.Optional(
      Type.Object(
        {
          transport: Type.Union([Type.Literal('udp'), Type.Literal('tcp'), Type.Literal('tls')]),
          host: Type.String({ minLength: 1, maxLength: 255 }),
          port: Type.Optional(Type.Integer({ minimum: 1, maximum: 65535 })),
          facility: Type.Optional(Type.Union(FACILITY_NAMES.map((f) => Type.Literal(f)))),
          caFile: Type.Optional(Type.String({ minLength: 1 })),
          appName: Type.Optional(Type.String({ pattern: '^[!-~]{1,48}$' })),
          hostname: Type.Optional(Type.String({ pattern: '^[!-~]{1,255}$' })),
          sdId: Type.Optional(Type.String({ pattern: '^[!#-<>-\\\\^-~]{1,32}$', description: 'SD-ID; default vigil@32473 (placeholder enterprise number)' })),
          maxMessageBytes: Type.Optional(Type.Integer({ minimum: 480, maximum: 1024 * 1024 })),
          connectTimeoutMs: Type.Optional(Type.Integer({ minimum: 100, maximum: 120_000 })),
          ...QueueKeys,
        },
        { additionalProperties: false },
      ),
    ),
    webhook: Type.Optional(
      Type.Object(
        {
          url: Type.String({ pattern: '^https?://' }),
          secret: Type.Optional(Type.String({ minLength: 16, description: 'HMAC-SHA256 key for X-Vigil-Signature-256' })),
          timeoutMs: Type.Optional(Type.Integer({ minimum: 100, maximum: 120_000 })),
          format: Type.Optional(Type.Union([Type.Literal('json'), Type.Literal('ndjson'), Type.Literal('splunk-hec')])),
          headers: Type.Optional(Type.Record(Type.String(), Type.String({ maxLength: 4096 }))),
          caFile: Type.Optional(Type.String({ minLength: 1 })),
          tlsVerify: Type.Optional(Type.Boolean()),
          ...QueueKeys,
        },
        { additionalProperties: false },
      ),
    ),
  },
  { additionalProperties: false },
);

export const ConfigSchema = Type.Object(
  {
    home: Type.String({ minLength: 1, description: 'data directory (SQLite file, master key, TLS files)' }),
    host: Type.String({ minLength: 1 }),
    port: Type.Integer({ minimum: 0, maximum: 65535 }),
    databaseUrl: Type.Optional(Type.String({ pattern: '^postgres(ql)?://' })),
    logLevel: Type.Union(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].map((l) => Type.Literal(l))),
    hostId: Type.String({ minLength: 1, maxLength: 128 }),
    tls: Type.Object(
      {
        certFile: Type.Optional(Type.String({ minLength: 1 })),
        keyFile: Type.Optional(Type.String({ minLength: 1 })),
        selfSigned: Type.Boolean(),
      },
      { additionalProperties: false },
    ),
    /** Serving plain HTTP on a non-loopback address must be asked for explicitly. */
    allowInsecureRemote: Type.Boolean(),
    trustedProxies: Type.Array(Type.String()),
    signature: Type.Object(
      { timestampWindowSec: Type.Integer({ minimum: 1, maximum: 3600 }), nonceTtlSec: Type.Integer({ minimum: 60, maximum: 86400 }) },
      { additionalProperties: false },
    ),
    session: Type.Object({ ttlMinutes: Type.Integer({ minimum: 1, maximum: 10080 }) }, { additionalProperties: false }),
    login: Type.Object(
      {
        maxFailures: Type.Integer({ minimum: 1, maximum: 100 }),
        lockoutMinutes: Type.Integer({ minimum: 1, maximum: 1440 }),
        perIpPerMinute: Type.Integer({ minimum: 1, maximum: 10000 }),
      },
      { additionalProperties: false },
    ),
    audit: Type.Object(
      {
        retentionDays: Type.Integer({ minimum: 1, maximum: 3650 }),
        jsonlFile: Type.Optional(Type.String({ minLength: 1 })),
        forward: Type.Optional(AuditForwardSchema),
      },
      { additionalProperties: false },
    ),
    /** Anomalous AccessKey use (R-7.2) from the audit trail; defaults in src/engines/akanomaly/detector.ts. */
    akAnomaly: Type.Optional(
      Type.Object(
        {
          learnCalls: Type.Optional(Type.Integer({ minimum: 0, maximum: 1_000_000 })),
          learnMinutes: Type.Optional(Type.Integer({ minimum: 0, maximum: 525_600 })),
          deniedBurst: Type.Optional(Type.Integer({ minimum: 2, maximum: 100_000 })),
          deniedWindowSec: Type.Optional(Type.Integer({ minimum: 1, maximum: 86_400 })),
        },
        { additionalProperties: false },
      ),
    ),
    limits: Type.Object(
      {
        bodyBytes: Type.Integer({ minimum: 1024, maximum: 64 * 1024 * 1024 }),
        requestTimeoutMs: Type.Integer({ minimum: 100, maximum: 600_000 }),
        headersTimeoutMs: Type.Integer({ minimum: 100, maximum: 600_000 }),
      },
      { additionalProperties: false },
    ),
  },
  { additionalProperties: false },
);

export type Config = Static<typeof ConfigSchema>;

export class ConfigError extends Error {}

export function defaultConfig(): Config {
  return {
    home: resolve('var'),
    host: '127.0.0.1',
    port: 8080,
    logLevel: 'info',
    hostId: hostname(),
    tls: { selfSigned: false },
    allowInsecureRemote: false,
    trustedProxies: [],
    signature: { timestampWindowSec: DEFAULT_TIMESTAMP_WINDOW_SEC, nonceTtlSec: 900 },
    session: { ttlMinutes: 720 },
    login: { maxFailures: 5, lockoutMinutes: 15, perIpPerMinute: 30 },
    audit: { retentionDays: 180 },
    limits: { bodyBytes: 1024 * 1024, requestTimeoutMs: 30_000, headersTimeoutMs: 10_000 },
  };
}

type Json = Record<string, unknown>;

function deepMerge(base: Json, over: Json): Json {
  const out: Json = { ...base };
  for (const [k, v] of Object.entries(over)) {
    const b = out[k];
    out[k] = v && typeof v === 'object' && !Array.isArray(v) && b && typeof b === 'object' && !Array.isArray(b) ? deepMerge(b as Json, v as Json) : v;
  }
  return out;
}

function intFromEnv(name: string, raw: string): number {
  if (!/^\d+$/.test(raw)) throw new ConfigError(`${name}: "${raw}" is not a whole number`);
  return Number(raw);
}

/** Env vars override the file; the file overrides defaults; CLI flags override everything. */
export function envOverrides(env: NodeJS.ProcessEnv): Json {
  const o: Json = {};
  if (env.VIGIL_HOME) o.home = env.VIGIL_HOME;
  if (env.VIGIL_HOST) o.host = env.VIGIL_HOST;
  if (env.VIGIL_PORT) o.port = intFromEnv('VIGIL_PORT', env.VIGIL_PORT);
  if (env.VIGIL_DATABASE_URL) o.databaseUrl = env.VIGIL_DATABASE_URL;
  if (env.VIGIL_LOG_LEVEL) o.logLevel = env.VIGIL_LOG_LEVEL;
  if (env.VIGIL_TLS_CERT || env.VIGIL_TLS_KEY) o.tls = { certFile: env.VIGIL_TLS_CERT, keyFile: env.VIGIL_TLS_KEY };
  if (env.VIGIL_TRUSTED_PROXIES) o.trustedProxies = env.VIGIL_TRUSTED_PROXIES.split(',').map((s) => s.trim()).filter(Boolean);
  const forward: Json = {};
  if (env.VIGIL_AUDIT_SYSLOG) forward.syslog = syslogFromEnv(env.VIGIL_AUDIT_SYSLOG);
  if (env.VIGIL_AUDIT_WEBHOOK_URL || env.VIGIL_AUDIT_WEBHOOK_SECRET) {
    forward.webhook = { ...(env.VIGIL_AUDIT_WEBHOOK_URL ? { url: env.VIGIL_AUDIT_WEBHOOK_URL } : {}), ...(env.VIGIL_AUDIT_WEBHOOK_SECRET ? { secret: env.VIGIL_AUDIT_WEBHOOK_SECRET } : {}) };
  }
  if (Object.keys(forward).length > 0) o.audit = { forward };
  return o;
}

/** `VIGIL_AUDIT_SYSLOG=tcp://collector.example:514` (udp, tcp or tls; port optional). */
function syslogFromEnv(raw: string): Json {
  const m = /^(udp|tcp|tls):\/\/(\[[0-9a-fA-F:.]+\]|[^:/\s]+)(?::(\d{1,5}))?\/?$/.exec(raw);
  if (!m) throw new ConfigError(`VIGIL_AUDIT_SYSLOG: "${raw}" is not udp://HOST[:PORT], tcp://HOST[:PORT] or tls://HOST[:PORT]`);
  const host = (m[2] as string).replace(/^\[(.*)\]$/, '$1');
  return { transport: m[1], host, ...(m[3] ? { port: intFromEnv('VIGIL_AUDIT_SYSLOG port', m[3]) } : {}) };
}

/** Checks that the schema cannot express; errors name the key. */
function checkAuditForward(cfg: Config): void {
  const f = cfg.audit.forward;
  if (f?.syslog?.caFile && f.syslog.transport !== 'tls') throw new ConfigError('config key audit.forward.syslog.caFile: only used with transport "tls"');
  if (f?.webhook) {
    let u: URL;
    try {
      u = new URL(f.webhook.url);
    } catch {
      throw new ConfigError('config key audit.forward.webhook.url: not a valid URL');
    }
    for (const name of Object.keys(f.webhook.headers ?? {})) {
      if (!/^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,128}$/.test(name)) throw new ConfigError(`config key audit.forward.webhook.headers: "${name}" is not an HTTP header name`);
    }
    if (u.protocol !== 'https:' && (f.webhook.caFile || f.webhook.tlsVerify === false)) {
      throw new ConfigError('config key audit.forward.webhook.url: caFile/tlsVerify need an https:// URL');
    }
  }
}

function readConfigFile(path: string): Json {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new ConfigError(`config file ${path}: ${(err as Error).message}`);
  }
  try {
    const parsed: unknown = JSON.parse(text);
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('top level must be an object');
    return parsed as Json;
  } catch (err) {
    throw new ConfigError(`config file ${path}: not valid JSON (${(err as Error).message})`);
  }
}

/** Builds the effective config and names the first bad key in the error, e.g. `port: Expected integer`. */
export function loadConfig(opts: { env?: NodeJS.ProcessEnv; file?: string; flags?: Json } = {}): Config {
  const env = opts.env ?? process.env;
  const file = opts.file ?? env.VIGIL_CONFIG;
  let merged: Json = defaultConfig() as unknown as Json;
  if (file) merged = deepMerge(merged, readConfigFile(file));
  merged = deepMerge(merged, envOverrides(env));
  if (opts.flags) merged = deepMerge(merged, opts.flags);
  const tls = merged.tls as Json | undefined;
  if (tls) for (const k of Object.keys(tls)) if (tls[k] === undefined) delete tls[k];
  const first = Value.Errors(ConfigSchema, merged).First();
  if (first) {
    const key = first.path.replace(/^\//, '').replace(/\//g, '.') || '(root)';
    throw new ConfigError(`config key ${key}: ${first.message}${first.value === undefined ? '' : ` (got ${JSON.stringify(first.value)})`}`);
  }
  const cfg = merged as unknown as Config;
  cfg.home = resolve(cfg.home);
  if (Boolean(cfg.tls.certFile) !== Boolean(cfg.tls.keyFile)) throw new ConfigError('config key tls: certFile and keyFile must be given together');
  checkAuditForward(cfg);
  return cfg;
}

export function isLoopbackHost(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host);
}
