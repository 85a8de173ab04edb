/** What the log parsers emit: one authentication failure or success with its source. */

export type AuthService = 'sshd' | 'vsftpd' | 'mysql' | 'pam';

export interface AuthEvent {
  kind: 'failure' | 'success';
  service: AuthService;
  /** Source as logged: an IP literal or, when sshd logs reverse-resolved names, a host name. */
  source: string;
  /** Canonical IP when `source` is an IP literal; absent for host names (not blockable). */
  ip?: string;
  user?: string;
  /** Every user name tried on this connection, when more than one. */
  users?: string[];
  /** Failures this event stands for (multi-line sequences fold several lines into one). */
  attempts: number;
  timeMs: number;
  /** Which parser rule matched, e.g. `sshd.failed-auth`. */
  rule: string;
  /** The log line (bounded). */
  line: string;
  /** sshd authentication method for successes (`password`, `publickey`). */
  method?: string;
}
