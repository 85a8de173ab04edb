import { createHmac, randomUUID } from 'node:crypto';
import { request as httpRequest, type ClientRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { AuditRecord } from '../audit-types.js';
import { toTrailEvent, type AuditLogger } from '../audit-trail.js';
import { PermanentDeliveryError, QueuedForwarder, type QueueOptions } from './queued-forwarder.js';

export type WebhookFormat = 'json' | 'ndjson' | 'splunk-hec';

export interface WebhookTarget {
  url: URL;
  /** HMAC-SHA256 key; when set every POST carries `X-Vigil-Signature-256: sha256=<hex>` over the raw body. */
  secret?: string;
  timeoutMs: number;
  format: WebhookFormat;
  /** Extra request headers (e.g. `Authorization: Splunk <token>`); never logged. */
  headers: Record<string, string>;
  ca?: string;
  tlsVerify: boolean;
}

export const SIGNATURE_HEADER = 'X-Vigil-Signature-256';
export const DELIVERY_HEADER = 'X-Vigil-Delivery';

/** The body of one POST, in the configured format. */
export function webhookBody(batch: readonly AuditRecord[], format: WebhookFormat): { body: Buffer; contentType: string } {
  const events = batch.map(toTrailEvent);
  if (format === 'ndjson') return { body: Buffer.from(events.map((e) => JSON.stringify(e)).join('\n') + '\n'), contentType: 'application/x-ndjson' };
  if (format === 'splunk-hec') {
    const lines = events.map((e, i) => JSON.stringify({ time: (batch[i] as AuditRecord).time / 1000, source: 'vigil', sourcetype: '_json', event: e }));
    return { body: Buffer.from(lines.join('\n')), contentType: 'application/json' };
  }
  return { body: Buffer.from(JSON.stringify({ source: 'vigil', count: events.length, events })), contentType: 'application/json' };
}

export function signBody(secret: string, body: Buffer): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

/** URL as shown in logs and stats: no userinfo, no query string (either may hold a token). */
export function safeUrl(u: URL): string {
  return `${u.protocol}//${u.host}${u.pathname}`;
}

/**
 * POSTs batches of audit events. 5xx, 408, 429 and network errors are retried with exponential
 * backoff (the same delivery id is reused, so receivers can de-duplicate); other statuses drop the
 * batch (counted). TLS certificates are verified unless `tlsVerify` is false.
 */
export class WebhookForwarder extends QueuedForwarder {
  private readonly requests = new Set<ClientRequest>();
  private deliveryId: { batch: AuditRecord[]; id: string } | null = null;

  constructor(
    private readonly target: WebhookTarget,
    log: AuditLogger,
    queue: QueueOptions,
  ) {
    super('webhook', safeUrl(target.url), log, queue);
  }

  protected deliver(batch: AuditRecord[]): Promise<void> {
    if (this.deliveryId?.batch !== batch) this.deliveryId = { batch, id: randomUUID() };
    const { body, contentType } = webhookBody(batch, this.target.format);
    const u = this.target.url;
    const headers: Record<string, string> = {
      ...this.target.headers,
      'content-type': contentType,
      'content-length': String(body.length),
      'user-agent': 'vigil-audit-forwarder/1',
      [DELIVERY_HEADER]: this.deliveryId.id,
      'x-vigil-event-count': String(batch.length),
      ...(this.target.secret ? { [SIGNATURE_HEADER]: signBody(this.target.secret, body) } : {}),
    };
    const opts = { method: 'POST', headers, timeout: this.target.timeoutMs };
    return new Promise<void>((resolve, reject) => {
      const req =
        u.protocol === 'https:'
          ? httpsRequest(u, { ...opts, rejectUnauthorized: this.target.tlsVerify, ...(this.target.ca ? { ca: this.target.ca } : {}) })
          : httpRequest(u, opts);
      this.requests.add(req);
      req.on('timeout', () => req.destroy(new Error(`webhook timed out after ${this.target.timeoutMs} ms`)));
      req.on('error', (err) => {
        this.requests.delete(req);
        reject(err);
      });
      req.on('response', (res) => {
        res.resume();
        res.on('end', () => {
          this.requests.delete(req);
          const code = res.statusCode ?? 0;
          if (code >= 200 && code < 300) resolve();
          else if (code >= 500 || code === 408 || code === 429) reject(new Error(`webhook answered HTTP ${code}`));
          else reject(new PermanentDeliveryError(`webhook answered HTTP ${code}`));
        });
        res.on('error', reject);
      });
      req.end(body);
    });
  }

  protected async shutdown(): Promise<void> {
    for (const req of this.requests) req.destroy(new Error('forwarder closed'));
    this.requests.clear();
  }
}
