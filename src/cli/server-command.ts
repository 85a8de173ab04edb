import type { Command } from 'commander';
import { loadConfig } from '../server/config.js';
import { startServer } from '../server/start.js';
import { startLocalAgent } from '../server/local-agent.js';

interface ServerFlags {
  host?: string;
  port?: string;
  home?: string;
  config?: string;
  tlsCert?: string;
  tlsKey?: string;
  tlsSelfSigned?: boolean;
  insecureHttp?: boolean;
  localAgent?: boolean;
}

export function flagsToConfig(f: ServerFlags): Record<string, unknown> {
  const flags: Record<string, unknown> = {};
  if (f.host) flags.host = f.host;
  if (f.port !== undefined) {
    if (!/^\d+$/.test(f.port)) throw new Error(`--port: "${f.port}" is not a port number`);
    flags.port = Number(f.port);
  }
  if (f.home) flags.home = f.home;
  const tls: Record<string, unknown> = {};
  if (f.tlsCert) tls.certFile = f.tlsCert;
  if (f.tlsKey) tls.keyFile = f.tlsKey;
  if (f.tlsSelfSigned) tls.selfSigned = true;
  if (Object.keys(tls).length) flags.tls = tls;
  if (f.insecureHttp) flags.allowInsecureRemote = true;
  return flags;
}

export function registerServerCommand(program: Command): void {
  program
    .command('server')
    .description('run the Vigil server (API, console, agent hub); SQLite under --home unless VIGIL_DATABASE_URL=postgres://…')
    .option('--host <address>', 'listen address (VIGIL_HOST)', undefined)
    .option('--port <port>', 'listen port (VIGIL_PORT); 0 picks a free port', undefined)
    .option('--home <dir>', 'data directory (VIGIL_HOME), default ./var')
    .option('--config <file>', 'JSON config file (VIGIL_CONFIG)')
    .option('--tls-cert <file>', 'TLS certificate (PEM)')
    .option('--tls-key <file>', 'TLS private key (PEM)')
    .option('--tls-self-signed', 'serve HTTPS with a self-signed certificate kept under <home>/tls')
    .option('--insecure-http', 'allow plain HTTP on a non-loopback address (only behind a TLS-terminating proxy)')
    .option('--local-agent', 'also run an agent for this machine in the same process (enrolls itself on first start; VIGIL_LOCAL_AGENT=1)')
    .action(async (f: ServerFlags) => {
      const config = loadConfig({ ...(f.config ? { file: f.config } : {}), flags: flagsToConfig(f) });
      const server = await startServer(config);
      if (server.createdRootPassword) {
        console.log(`Vigil admin account created: user "root", password "${server.createdRootPassword}" (shown once; recover with: vigil admin reset-password)`);
      }
      console.log(`Vigil listening on ${server.url} (console at ${server.url}/console/, data in ${config.home}, database ${server.services.store.dialect})`);
      const agent = f.localAgent || process.env.VIGIL_LOCAL_AGENT === '1' ? await startLocalAgent(server, config) : null;
      if (agent) console.log(`Vigil local agent ${agent.credentials.agentId} protects this machine (state in ${config.home}/local-agent)`);
      let stopping = false;
      const stop = (signal: string) => {
        if (stopping) return;
        stopping = true;
        server.fastify.log.info({ signal }, 'shutting down');
        const force = setTimeout(() => process.exit(1), 15_000);
        force.unref();
        agent?.stop();
        server.close().then(
          () => process.exit(0),
          (err: unknown) => {
            server.fastify.log.error({ err }, 'shutdown failed');
            process.exit(1);
          },
        );
      };
      process.on('SIGINT', () => stop('SIGINT'));
      process.on('SIGTERM', () => stop('SIGTERM'));
      process.on('unhandledRejection', (err) => server.fastify.log.error({ err }, 'unhandled rejection (server keeps running)'));
    });
}
