/**
 * sshd message patterns. They follow the semantics of fail2ban's `filter.d/sshd.conf` (GPL-2.0+,
 * which is why they are re-expressed here rather than copied): the same message families, the same
 * modes, and the same multi-line markers (nofail / forget / gained). Python conditional groups are
 * split into ordered alternatives, since JavaScript has none.
 */

export type SshdMode = 'normal' | 'ddos' | 'extra' | 'aggressive';

export interface SshdRule {
  id: string;
  /**
   * Literal starts of the messages the patterns can match (a cheap pre-filter: a rule is only tried
   * when the message starts with one of these). Must cover every pattern of the rule.
   */
  starts: string[];
  /** Tried in order; the first that matches wins. */
  patterns: RegExp[];
  /** Matching line is no failure by itself (helper that caches host/user for the connection). */
  nofail?: boolean | ((groups: Record<string, string | undefined>) => boolean);
  /** Connection ends: the cached state of this connection is dropped after the line. */
  forget?: boolean;
  /** Successful login: forgets pending failures unless several users were tried. */
  gained?: boolean;
}

// fail2ban's <HOST>: v4 (optionally v4-mapped), bracketed or bare v6, or a DNS name.
const HOST = String.raw`(?:(?:::f{4,6}:)?(?<ip4>(?:\d{1,3}\.){3}\d{1,3})|\[?(?<ip6>(?:[0-9a-fA-F]{1,4}::?|::){1,7}(?:[0-9a-fA-F]{1,4}|(?<=:):))\]?|(?<dns>[\w\-.^_]*\w))`;
const SUFF = String.raw`(?: (?:port \d+|on \S+|\[preauth\])){0,3}\s*`;
const ON_PORT = String.raw`(?: (?:port \d+|on \S+)){0,2}`;
const AUTHNG_USER = String.raw`(?: (?:invalid|authenticating) user (?<user>\S+|.*?))?`;
const ALG = String.raw`(?:(?:\w+ (?!found\b)){0,2}\w+)`;
const NOT_FROM = String.raw`(?:(?! from ).)`;
const CLOSED = String.raw`(?:Connection (?:closed|reset)|Disconnected)`;

const re = (s: string): RegExp => new RegExp(s.replaceAll('HOST', HOST));

const isPublickey = (g: Record<string, string | undefined>): boolean => g.method === 'publickey';

const COMMON: SshdRule[] = [
  { id: 'sshd.auth-failure', starts: ['Authentication ', 'authentication '], patterns: [re(String.raw`^[aA]uthentication (?:failure|error|failed) for (?<user>.*) from HOST(?: via \S+)?${SUFF}$`)] },
  { id: 'sshd.user-not-known', starts: ['User not known'], patterns: [re(String.raw`^User not known to the underlying authentication module for (?<user>.*) from HOST${SUFF}$`)] },
  {
    id: 'sshd.failed-publickey-invalid-user', starts: ['Failed publickey for invalid user '],
    patterns: [
      re(String.raw`^Failed publickey for invalid user (?<user>\S+) from HOST${ON_PORT}(?: ssh\d*)?: `),
      re(String.raw`^Failed publickey for invalid user (?<user>${NOT_FROM}*?) from HOST${ON_PORT}(?: ssh\d*)?${NOT_FROM}*$`),
    ],
  },
  {
    // A failed public key of a valid user is normal (several keys offered): a helper, not a failure.
    id: 'sshd.failed-auth', starts: ['Failed '],
    nofail: isPublickey,
    patterns: [
      re(String.raw`^Failed (?<method>\S+) for (?:invalid user )?(?<user>\S+) from HOST${ON_PORT}(?: ssh\d*)?: `),
      re(String.raw`^Failed (?<method>\S+) for invalid user (?<user>${NOT_FROM}*?) from HOST${ON_PORT}(?: ssh\d*)?${NOT_FROM}*$`),
      re(String.raw`^Failed (?<method>\S+) for (?<user>[^:]+) from HOST${ON_PORT}(?: ssh\d*)?${NOT_FROM}*$`),
    ],
  },
  { id: 'sshd.root-login-refused', starts: ['ROOT LOGIN REFUSED'], patterns: [re(String.raw`^(?<user>ROOT) LOGIN REFUSED FROM HOST`)] },
  { id: 'sshd.invalid-user', starts: ['Invalid user ', 'invalid user ', 'Illegal user ', 'illegal user '], patterns: [re(String.raw`^[iI](?:llegal|nvalid) user (?<user>.*?) from HOST${SUFF}$`)] },
  { id: 'sshd.not-allowed-users', starts: ['User '], patterns: [re(String.raw`^User (?<user>\S+|.*?) from HOST not allowed because not listed in AllowUsers${SUFF}$`)] },
  { id: 'sshd.denied-users', starts: ['User '], patterns: [re(String.raw`^User (?<user>\S+|.*?) from HOST not allowed because listed in DenyUsers${SUFF}$`)] },
  { id: 'sshd.no-group', starts: ['User '], patterns: [re(String.raw`^User (?<user>\S+|.*?) from HOST not allowed because not in any group${SUFF}$`)] },
  { id: 'sshd.refused-connect', starts: ['refused connect'], patterns: [re(String.raw`^refused connect from \S+ \(HOST\)`)] },
  { id: 'sshd.auth-fail-disconnect', starts: ['Received disconnect from '], forget: true, patterns: [re(String.raw`^Received disconnect from HOST${ON_PORT}:\s*3: .*: Auth fail${SUFF}$`)] },
  { id: 'sshd.denied-groups', starts: ['User '], patterns: [re(String.raw`^User (?<user>\S+|.*?) from HOST not allowed because a group is listed in DenyGroups${SUFF}$`)] },
  { id: 'sshd.not-allowed-groups', starts: ['User '], patterns: [re(String.raw`^User (?<user>\S+|.*?) from HOST not allowed because none of user's groups are listed in AllowGroups${SUFF}$`)] },
  {
    // pam_unix alone is not a failure: a second PAM module may still accept (pam_unix + pam_ldap).
    id: 'sshd.pam-failure', starts: ['pam_'],
    nofail: true,
    patterns: [
      re(String.raw`^pam_[a-z]+\(sshd:auth\):\s+authentication failure;(?:\s+(?:(?:logname|e?uid|tty)=\S*)){0,4}\s+ruser=(?<altuser>\S*)\s+rhost=HOST(?:\s+user=(?<user>\S*))?${SUFF}$`),
    ],
  },
  { id: 'sshd.max-attempts', starts: ['maximum authentication attempts'], patterns: [re(String.raw`^maximum authentication attempts exceeded for (?:invalid user )?(?<user>.*) from HOST${ON_PORT}(?: ssh\d*)?${SUFF}$`)] },
  { id: 'sshd.account-locked', starts: ['User '], patterns: [re(String.raw`^User (?<user>\S+|.*?) not allowed because account is locked${SUFF}`)] },
  {
    id: 'sshd.change-of-user', starts: ['Disconnecting'],
    forget: true,
    patterns: [re(String.raw`^Disconnecting(?: from)?(?: (?:invalid|authenticating)) user (?<user>\S+) HOST${ON_PORT}:\s*Change of username or service not allowed:\s*.*\[preauth\]\s*$`)],
  },
  { id: 'sshd.too-many-failures', starts: ['Disconnecting: Too many'], patterns: [re(String.raw`^Disconnecting: Too many authentication failures(?: for (?<user>\S+|.*?))?${SUFF}$`)] },
  { id: 'sshd.bye-disconnect', starts: ['Received disconnect from '], nofail: true, forget: true, patterns: [re(String.raw`^Received disconnect from HOST${ON_PORT}:\s*11:`)] },
];

const NORMAL_OTHER: SshdRule[] = [
  { id: 'sshd.closed', starts: ['Connection closed ', 'Connection reset ', 'Disconnected '], nofail: true, forget: true, patterns: [re(String.raw`^${CLOSED} (?:by|from)${AUTHNG_USER} HOST(?:${SUFF}|\s*)$`)] },
];

const DDOS_OTHER: SshdRule[] = [
  { id: 'sshd.closed-preauth', starts: ['Connection closed ', 'Connection reset ', 'Disconnected '], forget: true, patterns: [re(String.raw`^${CLOSED} (?:by|from)${AUTHNG_USER} HOST${ON_PORT}\s+\[preauth\]\s*$`)] },
  { id: 'sshd.closed', starts: ['Connection closed ', 'Connection reset ', 'Disconnected '], nofail: true, forget: true, patterns: [re(String.raw`^${CLOSED} (?:by|from)${AUTHNG_USER} HOST(?:${ON_PORT}|\s*)$`)] },
];

const EXTRA_OTHER: SshdRule[] = [
  {
    id: 'sshd.disconnected-authenticating', starts: ['Disconnected '],
    forget: true,
    patterns: [re(String.raw`^Disconnected(?: from)?(?: (?:invalid|authenticating)) user (?<user>\S+|.*?) HOST${ON_PORT} \[preauth\]\s*$`)],
  },
];

const SUCCESS: SshdRule = {
  id: 'sshd.accepted', starts: ['Accepted '],
  gained: true,
  forget: true,
  patterns: [re(String.raw`^Accepted (?<method>\w+) for (?<user>\S+) from HOST(?:\s|$)`)],
};

const DDOS: SshdRule[] = [
  { id: 'sshd.no-identification', starts: ['Did not receive identification'], patterns: [re(String.raw`^Did not receive identification string from HOST`)] },
  {
    id: 'sshd.kex-identification', starts: ['kex_exchange_identification: '],
    patterns: [re(String.raw`^kex_exchange_identification: (?:read: )?(?:[Cc]lient sent invalid protocol identifier|[Cc]onnection (?:closed by remote host|reset by peer))`)],
  },
  { id: 'sshd.bad-protocol', starts: ['Bad protocol version'], patterns: [re(String.raw`^Bad protocol version identification '.*' from HOST`)] },
  { id: 'sshd.connection-info', starts: ['SSH: Server;'], nofail: true, patterns: [re(String.raw`^SSH: Server;Ltype: (?:Authname|Version|Kex);Remote: HOST-\d+;[A-Z]\w+:`)] },
  { id: 'sshd.read-reset', starts: ['Read from socket failed'], forget: true, patterns: [re(String.raw`^Read from socket failed: Connection reset by peer`)] },
  { id: 'sshd.banner-invalid', starts: ['banner exchange: '], patterns: [re(String.raw`^banner exchange: Connection from HOST${ON_PORT}: invalid format`)] },
  // Newer OpenSSH messages seen from port scanners and floods.
  {
    id: 'sshd.dispatch-fatal', starts: ['ssh_dispatch_run_fatal: '],
    patterns: [re(String.raw`^ssh_dispatch_run_fatal: Connection from HOST${ON_PORT}: (?:message authentication code incorrect|[Cc]onnection corrupted)`)],
  },
  { id: 'sshd.preauth-timeout', starts: ['Timeout before authentication'], patterns: [re(String.raw`^Timeout before authentication for (?:connection from )?HOST`)] },
];

const EXTRA: SshdRule[] = [
  { id: 'sshd.no-auth-methods', starts: ['Received disconnect from '], forget: true, patterns: [re(String.raw`^Received disconnect from HOST${ON_PORT}:\s*14: No(?: supported)? authentication methods available`)] },
  { id: 'sshd.negotiate-failed', starts: ['Unable to negotiate '], patterns: [re(String.raw`^Unable to negotiate with HOST${ON_PORT}: no matching ${ALG} found.`)] },
  { id: 'sshd.negotiate-kex-failed', starts: ['Unable to negotiate '], patterns: [re(String.raw`^Unable to negotiate a ${ALG}`)] },
  { id: 'sshd.no-matching-alg', starts: ['no matching '], patterns: [re(String.raw`^no matching ${ALG} found:`)] },
];

const FOOTER: SshdRule[] = [{ id: 'sshd.connection-from', starts: ['Connection from '], nofail: true, patterns: [re(String.raw`^Connection from HOST`)] }];

/** Ordered rules for a mode: common, mode-specific "closed" handling, success, mode extras, footer. */
export function sshdRules(mode: SshdMode): SshdRule[] {
  const other = mode === 'normal' ? NORMAL_OTHER : mode === 'extra' ? EXTRA_OTHER : DDOS_OTHER;
  const extras = mode === 'ddos' ? DDOS : mode === 'extra' ? EXTRA : mode === 'aggressive' ? [...DDOS, ...EXTRA] : [];
  return [...COMMON, ...other, SUCCESS, ...extras, ...FOOTER];
}

/** Strip the optional `error: ` / `fatal: ` / `error: PAM: ` prefix sshd puts on some messages. */
export function stripSshdPrefix(message: string): string {
  const c = message.charCodeAt(0);
  // Only `error: …` / `fatal: …` carry a prefix; skip the regex for every other message.
  return c === 101 || c === 102 ? message.replace(/^(?:(?:error|fatal): (?:PAM: )?)?/, '') : message;
}
