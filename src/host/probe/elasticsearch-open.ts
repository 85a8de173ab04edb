/**
 * Elasticsearch unauthorized-access probe: HTTP GET / without credentials. An open cluster
 * answers 200 with its banner JSON (cluster_name, version.number, tagline); a secured one
 * answers 401 with a `WWW-Authenticate` header. Body bounded (64 KiB), timed out.
 */
import { request } from 'node:http';
import type { ServiceAuthResult } from '../../engines/weakpass/service-auth.js';

export interface ElasticsearchProbeOptions {
  host: string;
  port: number;
  timeoutMs?: number;
}

const MAX_BODY = 64 * 1024;

export interface ElasticBanner {
  clusterName: string;
  version: string;
  distribution?: string;
}

/** Reads the banner of `GET /`; null when the body is not an Elasticsearch/OpenSearch banner. */
export function parseElasticBanner(body: string): ElasticBanner | null {
  let j: unknown;
  try {
    j = JSON.parse(body);
  } catch {
    return null;
  }
  if (typeof j !== 'object' || j === null) return null;
  const o = j as Record<string, unknown>;
  const v = typeof o.version === 'object' && o.version !== null ? (o.version as Record<string, unknown>) : null;
  if (typeof o.cluster_name !== 'string' || !v || typeof v.number !== 'string') return null;
  return { clusterName: o.cluster_name, version: v.number, ...(typeof v.distribution === 'string' ? { distribution: v.distribution } : {}) };
}

/** Classifies one `GET /` answer (pure, so the parser is testable without a cluster). */
export function classifyElasticResponse(target: string, status: number, headers: Record<string, string | string[] | undefined>, body: string): ServiceAuthResult & { banner?: ElasticBanner } {
  const account = '(anonymous)';
  if (status === 401 || status === 403) return { status: 'auth_required', target, account, detail: `HTTP ${status}${headers['www-authenticate'] ? ` (${String(headers['www-authenticate'])})` : ''}` };
  if (status === 200) {
    const banner = parseElasticBanner(body);
    if (banner) return { status: 'no_auth', target, account, banner };
    return { status: 'error', target, account, reason: 'HTTP 200 but not an Elasticsearch banner' };
  }
  return { status: 'error', target, account, reason: `unexpected HTTP ${status}` };
}

export function probeElasticsearchOpen(opts: ElasticsearchProbeOptions): Promise<ServiceAuthResult & { banner?: ElasticBanner }> {
  const target = `${opts.host}:${opts.port}`;
  return new Promise((resolve) => {
    let done = false;
    const finish = (r: ServiceAuthResult & { banner?: ElasticBanner }) => {
      if (!done) {
        done = true;
        resolve(r);
      }
    };
    const req = request({ host: opts.host, port: opts.port, path: '/', method: 'GET', timeout: opts.timeoutMs ?? 3000, headers: { accept: 'application/json' } }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => {
        body += c;
        if (body.length > MAX_BODY) {
          req.destroy();
          finish({ status: 'error', target, account: '(anonymous)', reason: 'response too large' });
        }
      });
      res.on('end', () => finish(classifyElasticResponse(target, res.statusCode ?? 0, res.headers, body)));
      res.on('error', (e) => finish({ status: 'error', target, account: '(anonymous)', reason: e.message }));
    });
    req.on('timeout', () => {
      req.destroy();
      finish({ status: 'error', target, account: '(anonymous)', reason: 'timed out' });
    });
    req.on('error', (e) => finish({ status: 'error', target, account: '(anonymous)', reason: e.message }));
    req.end();
  });
}
