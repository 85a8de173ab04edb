/**
 * Findings of the MySQL/MariaDB login probe and of the open-access probes (MongoDB, Memcached,
 * Elasticsearch). Pure: the probes live in src/host/probe/. Each finding names the account or
 * the service and the fix for that system.
 */
import { dictionaryFor, type WeakDictionary } from './dictionary.js';
import { mysqlFix, type WeakpassFinding } from './findings.js';
import { checkPassword } from './password-rules.js';
import type { ServiceAuthResult } from './service-auth.js';

export function mysqlFindings(r: ServiceAuthResult, user: string, dict: WeakDictionary): WeakpassFinding[] {
  if (r.status === 'empty_password') {
    return [{ kind: 'empty_password', category: 'weak_password', level: 'high', service: 'mysql', account: r.account, target: r.target, reason: `MySQL/MariaDB account ${r.account} at ${r.target} logs in with an empty password`, fix: mysqlFix(r.account) }];
  }
  if (r.status === 'weak_password') {
    return [
      {
        kind: 'weak_password',
        category: 'weak_password',
        level: 'high',
        service: 'mysql',
        account: r.account,
        target: r.target,
        reason: `MySQL/MariaDB account ${r.account} at ${r.target} accepted a password from the ${r.candidate.source.replace('_', ' ')} (attempt ${r.tried})`,
        candidateSource: r.candidate.source,
        brokenRules: checkPassword(r.candidate.password, { user, dictionary: dictionaryFor(user, dict) }).failed,
        fix: mysqlFix(r.account),
      },
    ];
  }
  return [];
}

const OPEN_FIX = {
  mongodb: (t: string) => `MongoDB at ${t} lists its databases without authentication. Create an admin user (db.createUser on admin), set 'security: authorization: enabled' and 'net.bindIp: 127.0.0.1' in /etc/mongod.conf, then 'systemctl restart mongod'.`,
  memcached: (t: string) => `Memcached at ${t} answers anyone. Listen on loopback only ('-l 127.0.0.1' and '-U 0' to disable UDP in /etc/memcached.conf), or enable SASL ('-S') with a strong password, then 'systemctl restart memcached'.`,
  elasticsearch: (t: string) => `Elasticsearch at ${t} answers without credentials. Set 'xpack.security.enabled: true' in elasticsearch.yml, run 'elasticsearch-reset-password -u elastic' for a strong password, keep 'network.host' on a private address, then restart the service.`,
} as const;

export type OpenService = keyof typeof OPEN_FIX;

export function openServiceFindings(service: OpenService, r: ServiceAuthResult): WeakpassFinding[] {
  if (r.status !== 'no_auth') return [];
  const what = { mongodb: 'MongoDB', memcached: 'Memcached', elasticsearch: 'Elasticsearch' }[service];
  return [{ kind: 'unauthorized_access', category: 'unauthorized_access', level: 'high', service, account: r.account, target: r.target, reason: `${what} at ${r.target} serves unauthenticated clients`, fix: OPEN_FIX[service](r.target) }];
}
