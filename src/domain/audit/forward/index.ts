import { readFileSync } from 'node:fs';
import type { Config } from '../../../server/config.js';
import type { AuditLogger } from '../audit-trail.js';
import type { AuditForwarder } from './queued-forwarder.js';
import { SyslogForwarder } from './syslog-forwarder.js';
import { defaultFormatOptions, type FacilityName } from './syslog-format.js';
import { WebhookForwarder } from './webhook-forwarder.js';

export type { AuditForwarder, ForwarderStats } from './queued-forwarder.js';

type ForwardConfig = NonNullable<Config['audit']['forward']>;

function readCa(key: string, file: string | undefined): string | undefined {
  if (!file) return undefined;
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    throw new Error(`config key ${key}: ${(err as Error).message}`);
  }
}

/** Builds the configured forwarders; a bad CA file fails startup with the key named. */
export function createForwarders(cfg: ForwardConfig | undefined, log: AuditLogger): AuditForwarder[] {
  const out: AuditForwarder[] = [];
  const sl = cfg?.syslog;
  if (sl) {
    const ca = readCa('audit.forward.syslog.caFile', sl.caFile);
    out.push(
      new SyslogForwarder(
        { transport: sl.transport, host: sl.host, port: sl.port ?? (sl.transport === 'tls' ? 6514 : 514), connectTimeoutMs: sl.connectTimeoutMs ?? 5000, ...(ca ? { ca } : {}) },
        defaultFormatOptions({
          facility: (sl.facility ?? 'authpriv') as FacilityName,
          ...(sl.appName ? { appName: sl.appName } : {}),
          ...(sl.hostname ? { hostname: sl.hostname } : {}),
          ...(sl.sdId ? { sdId: sl.sdId } : {}),
          // UDP datagrams above ~8 KiB are commonly truncated by collectors (rsyslog's default).
          maxMessageBytes: sl.maxMessageBytes ?? (sl.transport === 'udp' ? 8192 : 64 * 1024),
        }),
        log,
        { maxQueue: sl.maxQueue ?? 10_000, batchSize: sl.batchSize ?? 200, baseBackoffMs: 500, maxBackoffMs: 30_000 },
      ),
    );
  }
  const wh = cfg?.webhook;
  if (wh) {
    const ca = readCa('audit.forward.webhook.caFile', wh.caFile);
    out.push(
      new WebhookForwarder(
        {
          url: new URL(wh.url),
          ...(wh.secret ? { secret: wh.secret } : {}),
          timeoutMs: wh.timeoutMs ?? 10_000,
          format: wh.format ?? 'json',
          headers: wh.headers ?? {},
          tlsVerify: wh.tlsVerify ?? true,
          ...(ca ? { ca } : {}),
        },
        log,
        { maxQueue: wh.maxQueue ?? 10_000, batchSize: wh.batchSize ?? 500, baseBackoffMs: 500, maxBackoffMs: 30_000 },
      ),
    );
  }
  return out;
}
