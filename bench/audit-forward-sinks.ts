/**
 * Loopback collectors for bench/audit-forward.ts, in their own process (as a real collector is):
 * UDP syslog (by datagram), TCP syslog (by RFC 6587 frame) and an HTTP webhook (by event count).
 * Talks to the parent over IPC: sends its ports, answers `count` with the totals.
 */
import { createSocket } from 'node:dgram';
import { createServer as createHttpServer } from 'node:http';
import { createServer as createNetServer, type AddressInfo } from 'node:net';

const got = { udp: 0, tcp: 0, webhook: 0 };
const udp = createSocket({ type: 'udp4', recvBufferSize: 32 * 1024 * 1024 });
udp.on('message', () => got.udp++);
await new Promise<void>((r) => udp.bind(0, '127.0.0.1', r));
const tcp = createNetServer((s) => {
  let buf: Buffer = Buffer.alloc(0);
  s.on('data', (d: Buffer) => {
    buf = buf.length ? Buffer.concat([buf, d]) : d;
    let off = 0;
    for (;;) {
      const sp = buf.indexOf(0x20, off);
      if (sp < 0) break;
      const len = Number(buf.subarray(off, sp).toString('ascii'));
      if (buf.length < sp + 1 + len) break;
      got.tcp++;
      off = sp + 1 + len;
    }
    buf = buf.subarray(off);
  });
});
await new Promise<void>((r) => tcp.listen(0, '127.0.0.1', r));
const hook = createHttpServer((req, res) => {
  req.resume();
  req.on('end', () => {
    got.webhook += Number(req.headers['x-vigil-event-count']);
    res.end();
  });
});
await new Promise<void>((r) => hook.listen(0, '127.0.0.1', r));
const port = (s: { address(): AddressInfo | string | null }) => (s.address() as AddressInfo).port;
process.send?.({ ports: { udp: port(udp), tcp: port(tcp), webhook: port(hook) }, udpRecvBuffer: udp.getRecvBufferSize() });
process.on('message', (m: string) => {
  if (m === 'count') process.send?.({ got });
  if (m === 'reset') got.udp = got.tcp = got.webhook = 0;
  if (m === 'exit') process.exit(0);
});
