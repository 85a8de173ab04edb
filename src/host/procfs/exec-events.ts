/**
 * Exec events from the kernel's netlink process connector (cn_proc), read through koffi (prebuilt
 * FFI, no compiler): socket(AF_NETLINK, SOCK_DGRAM, NETLINK_CONNECTOR), bind to the CN_IDX_PROC
 * group, send PROC_CN_MCAST_LISTEN, then one blocking recv per message on koffi's worker thread.
 * The kernel reports every exec, so processes that live a few milliseconds are seen too — polling
 * /proc cannot. Needs root (CAP_NET_ADMIN) and the host's initial network namespace; where either
 * is missing, or koffi/libc cannot load, `watchExecEvents` returns null and callers poll /proc.
 */
import { createRequire } from 'node:module';
import { endianness } from 'node:os';

const AF_NETLINK = 16;
const SOCK_DGRAM = 2;
const NETLINK_CONNECTOR = 11;
const CN_IDX_PROC = 1;
const CN_VAL_PROC = 1;
const NLMSG_DONE = 3;
const PROC_CN_MCAST_LISTEN = 1;
const PROC_EVENT_EXEC = 0x00000002;
const SOL_SOCKET = 1;
const SO_RCVTIMEO = 20;
/** nlmsghdr (16) + cn_msg (20): where struct proc_event starts. */
const EVENT_OFFSET = 36;
/** proc_event: what (4), cpu (4), timestamp_ns (8), then event_data. */
const EXEC_TGID_OFFSET = EVENT_OFFSET + 16 + 4;

interface KoffiFn {
  (...args: unknown[]): number;
  async: (...args: unknown[]) => void;
}
interface Koffi {
  load: (path: string) => { func: (decl: string) => KoffiFn };
  struct: (name: string, fields: Record<string, unknown>) => unknown;
  pointer: (type: unknown) => unknown;
  alloc: (type: unknown, count: number) => unknown;
  encode: (ptr: unknown, type: unknown, value: unknown, count: number) => void;
  free: (ptr: unknown) => void;
  sizeof: (type: unknown) => number;
}

const SO_ATTACH_FILTER = 26;

/**
 * A classic BPF filter on the netlink socket keeping only PROC_EVENT_EXEC messages: the connector
 * also reports every fork, exit, uid/gid/sid and comm change, about three wake-ups of the reader
 * thread per process otherwise. Loads are big-endian, so the constant is the host's bytes of `what`.
 * Best effort: without it every message is parsed and non-exec ones are dropped in JS.
 */
function attachExecFilter(koffi: Koffi, libc: ReturnType<Koffi['load']>, fd: number): boolean {
  try {
    const SockFilter = koffi.struct('vigil_sock_filter', { code: 'uint16', jt: 'uint8', jf: 'uint8', k: 'uint32' });
    const SockFprog = koffi.struct('vigil_sock_fprog', { len: 'uint16', filter: koffi.pointer(SockFilter) });
    const setsockoptProg = libc.func('int setsockopt(int fd, int level, int name, const vigil_sock_fprog *val, uint32_t len)');
    const what = endianness() === 'LE' ? 0x02000000 : PROC_EVENT_EXEC;
    const prog = [
      { code: 0x20, jt: 0, jf: 0, k: EVENT_OFFSET }, // ld [36]          (BPF_LD | BPF_W | BPF_ABS)
      { code: 0x15, jt: 0, jf: 1, k: what }, //         jeq #exec, keep, drop (BPF_JMP | BPF_JEQ | BPF_K)
      { code: 0x06, jt: 0, jf: 0, k: 0xffff }, //       keep: ret #65535  (BPF_RET | BPF_K)
      { code: 0x06, jt: 0, jf: 0, k: 0 }, //            drop: ret #0
    ];
    const mem = koffi.alloc(SockFilter, prog.length);
    try {
      koffi.encode(mem, SockFilter, prog, prog.length);
      return setsockoptProg(fd, SOL_SOCKET, SO_ATTACH_FILTER, { len: prog.length, filter: mem }, koffi.sizeof(SockFprog)) === 0;
    } finally {
      koffi.free(mem);
    }
  } catch {
    return false;
  }
}

export interface ExecEvent {
  /** The process (thread group) that called execve. */
  pid: number;
}

export interface ExecWatcher {
  close(): void;
}

/** Parses one cn_proc datagram; null unless it is an exec event. Exported for tests. */
export function parseExecMessage(buf: Buffer, length: number): ExecEvent | null {
  if (length < EXEC_TGID_OFFSET + 4) return null;
  if (buf.readUInt32LE(16) !== CN_IDX_PROC || buf.readUInt32LE(20) !== CN_VAL_PROC) return null;
  if (buf.readUInt32LE(EVENT_OFFSET) !== PROC_EVENT_EXEC) return null;
  return { pid: buf.readInt32LE(EXEC_TGID_OFFSET) };
}

function listenMessage(): Buffer {
  const b = Buffer.alloc(40);
  b.writeUInt32LE(40, 0); // nlmsg_len
  b.writeUInt16LE(NLMSG_DONE, 4);
  b.writeUInt32LE(process.pid, 12);
  b.writeUInt32LE(CN_IDX_PROC, 16);
  b.writeUInt32LE(CN_VAL_PROC, 20);
  b.writeUInt16LE(4, 32); // cn_msg.len
  b.writeUInt32LE(PROC_CN_MCAST_LISTEN, 36);
  return b;
}

/**
 * Calls `onExec` for every exec on the host until `close()`. Returns null when the process
 * connector is not usable here (`reason` says why).
 */
export function watchExecEvents(onExec: (e: ExecEvent) => void, onError?: (reason: string) => void): ExecWatcher | null {
  let libc: ReturnType<Koffi['load']>;
  let koffi: Koffi;
  try {
    koffi = createRequire(import.meta.url)('koffi') as Koffi;
    libc = koffi.load('libc.so.6');
  } catch (err) {
    onError?.(`koffi/libc not available: ${(err as Error).message}`);
    return null;
  }
  const socket = libc.func('int socket(int domain, int type, int protocol)');
  const bind = libc.func('int bind(int fd, const void *addr, uint32_t len)');
  const send = libc.func('intptr_t send(int fd, const void *buf, uintptr_t len, int flags)');
  const recv = libc.func('intptr_t recv(int fd, _Out_ void *buf, uintptr_t len, int flags)');
  const setsockopt = libc.func('int setsockopt(int fd, int level, int name, const void *val, uint32_t len)');
  const close = libc.func('int close(int fd)');

  const fd = socket(AF_NETLINK, SOCK_DGRAM, NETLINK_CONNECTOR);
  if (fd < 0) {
    onError?.('netlink process connector not available (not root, or not the initial network namespace)');
    return null;
  }
  const addr = Buffer.alloc(12);
  addr.writeUInt16LE(AF_NETLINK, 0);
  addr.writeUInt32LE(0, 4); // nl_pid: let the kernel assign
  addr.writeUInt32LE(CN_IDX_PROC, 8);
  // A receive timeout lets the reader notice close() instead of blocking a worker thread forever.
  const timeout = Buffer.alloc(16);
  timeout.writeBigInt64LE(0n, 0);
  timeout.writeBigInt64LE(500_000n, 8);
  const msg = listenMessage();
  attachExecFilter(koffi, libc, fd);
  if (bind(fd, addr, addr.length) !== 0 || setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, timeout, timeout.length) !== 0 || send(fd, msg, msg.length, 0) !== msg.length) {
    close(fd);
    onError?.('netlink process connector refused the subscription');
    return null;
  }

  let closed = false;
  const buf = Buffer.alloc(4096);
  const next = (): void => {
    recv.async(fd, buf, buf.length, 0, (err: unknown, n: unknown) => {
      if (closed) {
        close(fd);
        return;
      }
      if (err) {
        onError?.(`cn_proc read failed: ${String(err)}`);
        close(fd);
        return;
      }
      const len = Number(n);
      if (len > 0) {
        const e = parseExecMessage(buf, len);
        if (e) {
          try {
            onExec(e);
          } catch {
            // A failing listener must not stop the reader.
          }
        }
      }
      // len < 0: timeout (EAGAIN) or ENOBUFS after a burst (events were dropped: the periodic
      // /proc scan still covers what is running). Either way, read on.
      next();
    });
  };
  next();
  return {
    close() {
      closed = true;
    },
  };
}
