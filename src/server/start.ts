import type { FastifyInstance } from 'fastify';
import { buildApp } from './app.js';
import { isLoopbackHost, type Config } from './config.js';
import { closeServices, createServices } from './services-factory.js';
import { loadTls } from './tls.js';
import type { Services } from '../actions/services.js';

export interface RunningServer {
  url: string;
  fastify: FastifyInstance;
  services: Services;
  createdRootPassword?: string;
  close(): Promise<void>;
}

const HOUR = 3_600_000;

/** Builds and starts the server with its maintenance timers; `close()` drains and flushes. */
export async function startServer(config: Config): Promise<RunningServer> {
  const tls = await loadTls(config);
  if (!tls && !isLoopbackHost(config.host) && !config.allowInsecureRemote) {
    throw new Error(
      `refusing to serve plain HTTP on ${config.host}: credentials would cross the network in clear. ` +
        'Give --tls-cert/--tls-key, or --tls-self-signed, or set allowInsecureRemote=true behind a TLS-terminating proxy.',
    );
  }
  let logRef: FastifyInstance['log'] | null = null;
  const log = {
    error: (o: object, m: string) => logRef?.error(o, m),
    warn: (o: object, m: string) => logRef?.warn(o, m),
  };
  const services = await createServices(config, log);
  let built;
  try {
    built = await buildApp(config, services, tls?.tls);
  } catch (err) {
    await closeServices(services);
    throw err;
  }
  const { fastify } = built;
  logRef = fastify.log;

  const timers = [
    setInterval(() => void services.accessKeys.flushLastUsed().catch((err: unknown) => fastify.log.warn({ err }, 'last-used flush failed')), 5_000),
    setInterval(() => void services.sessions.purgeExpired().catch((err: unknown) => fastify.log.warn({ err }, 'session purge failed')), HOUR),
    setInterval(
      () =>
        void services.audit
          .purgeOlderThan(config.audit.retentionDays)
          .then((n) => n > 0 && fastify.log.info({ deleted: n, retentionDays: config.audit.retentionDays }, 'audit retention applied'))
          .catch((err: unknown) => fastify.log.warn({ err }, 'audit retention failed')),
      6 * HOUR,
    ),
  ];
  for (const t of timers) t.unref();
  void services.audit.purgeOlderThan(config.audit.retentionDays).catch(() => undefined);

  try {
    await fastify.listen({ host: config.host, port: config.port });
  } catch (err) {
    for (const t of timers) clearInterval(t);
    await fastify.close();
    await closeServices(services);
    throw err;
  }
  const addr = fastify.server.address();
  const port = typeof addr === 'object' && addr ? addr.port : config.port;
  const host = config.host.includes(':') ? `[${config.host}]` : config.host;
  const url = `${tls ? 'https' : 'http'}://${host}:${port}`;
  let closed = false;
  return {
    url,
    fastify,
    services,
    ...(built.createdRootPassword ? { createdRootPassword: built.createdRootPassword } : {}),
    ...(tls?.fingerprint ? { fingerprint: tls.fingerprint } : {}),
    async close() {
      if (closed) return;
      closed = true;
      for (const t of timers) clearInterval(t);
      await fastify.close();
      await closeServices(services);
    },
  };
}
