import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { connect as netConnect, isIP, type Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import type { AuditRecord } from '../audit-types.js';
import type { AuditLogger } from '../audit-trail.js';
import { QueuedForwarder, type QueueOptions } from './queued-forwarder.js';
import { formatSyslog, type SyslogFormatOptions } from './syslog-format.js';

export type SyslogTransport = 'udp' | 'tcp' | 'tls';

export interface SyslogTarget {
  transport: SyslogTransport;
  host: string;
  port: number;
  /** PEM CA bundle for `tls` (the server certificate is always verified; default: system CAs). */
  ca?: string;
  connectTimeoutMs: number;
}

/**
 * RFC 5424 messages over UDP (RFC 5426, one message per datagram), TCP (RFC 6587 octet counting:
 * `LEN SP MSG`) or TLS (RFC 5425, same framing). Stream transports keep one connection open and
 * reconnect after an error; a batch that fails is resent whole (at-least-once).
 */
export class SyslogForwarder extends QueuedForwarder {
  private udp: UdpSocket | null = null;
  private stream: Socket | null = null;
  private connecting: Promise<Socket> | null = null;
  private opening: Socket | null = null;

  constructor(
    private readonly target: SyslogTarget,
    private readonly fmt: SyslogFormatOptions,
    log: AuditLogger,
    queue: QueueOptions,
  ) {
    super('syslog', `${target.transport}://${target.host.includes(':') ? `[${target.host}]` : target.host}:${target.port}`, log, queue);
  }

  protected async deliver(batch: AuditRecord[]): Promise<void> {
    const messages = batch.map((r) => formatSyslog(r, this.fmt));
    if (this.target.transport === 'udp') return this.sendUdp(messages);
    const sock = await this.connectStream();
    const framed = Buffer.concat(messages.flatMap((m) => [Buffer.from(`${m.length} `, 'ascii'), m]));
    await new Promise<void>((resolve, reject) => {
      const onClose = () => reject(new Error('syslog connection closed'));
      sock.once('close', onClose);
      sock.write(framed, (err) => {
        sock.off('close', onClose);
        if (err) reject(err);
        else resolve();
      });
    });
  }

  private async sendUdp(messages: Buffer[]): Promise<void> {
    if (!this.udp) {
      const sock = createSocket(isIP(this.target.host) === 6 ? 'udp6' : 'udp4');
      sock.on('error', () => undefined); // send callbacks carry the errors
      sock.unref();
      this.udp = sock;
    }
    const sock = this.udp;
    // All datagrams of the batch are handed to the kernel at once; any send error fails the batch.
    await Promise.all(messages.map((m) => new Promise<void>((resolve, reject) => sock.send(m, this.target.port, this.target.host, (err) => (err ? reject(err) : resolve())))));
  }

  private connectStream(): Promise<Socket> {
    if (this.stream && !this.stream.destroyed && this.stream.writable) return Promise.resolve(this.stream);
    this.connecting ??= this.openStream().finally(() => {
      this.connecting = null;
    });
    return this.connecting;
  }

  private openStream(): Promise<Socket> {
    const { host, port, transport, ca, connectTimeoutMs } = this.target;
    return new Promise<Socket>((resolve, reject) => {
      const sock =
        transport === 'tls'
          ? tlsConnect({ host, port, ...(ca ? { ca } : {}), ...(isIP(host) ? {} : { servername: host }), rejectUnauthorized: true })
          : netConnect({ host, port });
      this.opening = sock;
      const ready = transport === 'tls' ? 'secureConnect' : 'connect';
      const timer = setTimeout(() => sock.destroy(new Error(`syslog connect timeout after ${connectTimeoutMs} ms`)), connectTimeoutMs);
      sock.once(ready, () => {
        clearTimeout(timer);
        sock.setKeepAlive(true, 30_000);
        sock.removeAllListeners('error');
        sock.on('error', () => sock.destroy());
        sock.on('data', () => undefined); // collectors do not answer; discard anything they send
        this.stream = sock;
        resolve(sock);
      });
      sock.once('error', (err) => {
        clearTimeout(timer);
        sock.destroy();
        reject(err);
      });
    });
  }

  protected async shutdown(): Promise<void> {
    this.udp?.close();
    this.udp = null;
    this.opening?.destroy();
    const s = this.stream;
    this.stream = null;
    if (s && !s.destroyed) {
      // Let what was written reach the collector, but never wait on a dead peer for long.
      await new Promise<void>((r) => {
        const t = setTimeout(r, 500);
        s.end(() => {
          clearTimeout(t);
          r();
        });
      });
    }
    s?.destroy();
  }
}
