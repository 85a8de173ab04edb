/**
 * Results of live authentication probes against local services, and their findings. The probes
 * themselves live in src/host/probe/ (redis-auth.ts, pg-auth.ts); this file is pure.
 */
import { dictionaryFor, type Candidate, type WeakDictionary } from './dictionary.js';
import { postgresFix, redisFix, type WeakpassFinding } from './findings.js';
import { checkPassword } from './password-rules.js';

export type ServiceAuthResult =
  /** The service answered a command without any authentication. */
  | { status: 'no_auth'; target: string; account: string }
  /** Authentication succeeded with a random password nobody could know (e.g. PostgreSQL trust). */
  | { status: 'any_password'; target: string; account: string }
  | { status: 'weak_password'; target: string; account: string; tried: number; candidate: Candidate }
  | { status: 'not_found'; target: string; account: string; tried: number }
  | { status: 'error'; target: string; account: string; reason: string }
  /** The account logs in with an empty password. */
  | { status: 'empty_password'; target: string; account: string }
  /** The service asked for credentials before answering (the secure outcome of an open-access probe). */
  | { status: 'auth_required'; target: string; account: string; detail?: string };

export function redisFindings(r: ServiceAuthResult, dict: WeakDictionary): WeakpassFinding[] {
  if (r.status === 'no_auth') {
    return [
      {
        kind: 'unauthorized_access',
        category: 'unauthorized_access',
        level: 'high',
        service: 'redis',
        account: r.account,
        target: r.target,
        reason: `Redis at ${r.target} runs commands without authentication`,
        fix: redisFix(r.target, 'no_password'),
      },
    ];
  }
  if (r.status === 'weak_password') {
    return [
      {
        kind: 'weak_password',
        category: 'weak_password',
        level: 'high',
        service: 'redis',
        account: r.account,
        target: r.target,
        reason: `Redis at ${r.target} accepted a password from the ${r.candidate.source.replace('_', ' ')} (attempt ${r.tried})`,
        candidateSource: r.candidate.source,
        brokenRules: checkPassword(r.candidate.password, { user: r.account, dictionary: dictionaryFor(r.account, dict) }).failed,
        fix: redisFix(r.target, 'weak'),
      },
    ];
  }
  return [];
}

export function postgresFindings(r: ServiceAuthResult): WeakpassFinding[] {
  if (r.status === 'any_password' || r.status === 'no_auth') {
    return [
      {
        kind: 'trust_authentication',
        category: 'unauthorized_access',
        level: 'high',
        service: 'postgresql',
        account: r.account,
        target: r.target,
        reason: `PostgreSQL at ${r.target} let role "${r.account}" log in with a random password: pg_hba.conf uses trust authentication`,
        fix: postgresFix(r.account),
      },
    ];
  }
  return [];
}
