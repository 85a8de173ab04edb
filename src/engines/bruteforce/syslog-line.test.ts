import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseSyslogLine, parseSyslogLineRegex, type TimeContext } from './syslog-line.js';

const DATA = process.env.VIGIL_SHARED_DATA ?? fileURLToPath(new URL('../../../../shared/data/', import.meta.url));
const CTX: TimeContext = { year: 2024, utcOffsetMinutes: 60, notAfterMs: Date.UTC(2024, 5, 1) };

describe('parseSyslogLine fast path', () => {
  it('gives exactly what the regex parser gives, on the fail2ban corpus and on odd headers', () => {
    const corpus = readFileSync(`${DATA}/authlog/sshd.log`, 'utf8').split('\n');
    const odd = [
      'Mar  3 10:00:01 web-01 sshd[9]: Failed password for root from 203.0.113.50 port 4242 ssh2',
      'Mar 13 10:00:01 sshd[9]: no host',
      'Mar 3 10:00:01 h sshd: no pid',
      'Mar  3 10:00:01  h sshd[1]: two spaces',
      'Mar  3 10:00:01.123 h sshd[1]: fraction',
      'Mar  3 10:00:01 h [sshd]: bracketed',
      'Mar  3 10:00:01 h sshd[12]: [ID 800047 auth.info] solaris tag',
      'Mar  3 10:00:01 h sshd[1]:no space',
      'Mar  3 10:00:01 sshd:direct message',
      'Mar  3 10:00:01 h a/b.c-d_e[77]:   spaced message',
      'Foo  3 10:00:01 h sshd[1]: bad month',
      'Mar  3 1:00:01 h sshd[1]: short hour',
      'Mar  3 10:00:01 h sshd[x]: bad pid',
      'Mar  3 10:00:01 h[x] sshd[1]: bracket host',
      'Dec 31 23:59:59 h sshd[1]: year before notAfter',
      ' Mar  3 10:00:01 h sshd[1]: leading space',
      'Mar  3 10:00:01 h sshd[1]:',
      'Mar  3 10:00:01',
      '',
    ];
    let compared = 0;
    for (const line of [...corpus, ...odd]) {
      expect(parseSyslogLine(line, CTX), line).toEqual(parseSyslogLineRegex(line, CTX));
      compared++;
    }
    expect(compared).toBeGreaterThan(400);
  });
});
