import { join } from 'node:path';
import { loadCredentials } from '../agent/home.js';
import { runAgent, type RunningAgent } from '../agent/runtime.js';
import { ensureRootAccount } from '../domain/iam/accounts-service.js';
import type { Config } from './config.js';
import type { RunningServer } from './start.js';

/**
 * The embedded default: the server also protects the machine it runs on, with an agent in
 * the same process that enrolls over loopback on first start (a one-off install code valid for
 * 10 minutes) and keeps its credential under `<home>/local-agent`.
 */
export async function startLocalAgent(server: RunningServer, config: Config): Promise<RunningAgent> {
  const home = join(config.home, 'local-agent');
  const caFile = config.tls.certFile ?? (config.tls.selfSigned ? join(config.home, 'tls', 'self-signed.crt') : undefined);
  const url = server.url.replace('://0.0.0.0:', '://127.0.0.1:').replace('://[::]:', '://[::1]:');
  let code: string | undefined;
  if (!loadCredentials(home)) {
    const root = await ensureRootAccount(server.services.store.db);
    const created = await server.services.installCodes.create(root.accountId, { expiredDate: Date.now() + 10 * 60_000, vendorName: 'IDC', os: 'linux' });
    code = created.CaptchaCode;
  }
  return runAgent({
    home,
    server: url,
    ...(code ? { code } : {}),
    ...(caFile ? { caFile } : {}),
    // The embedded agent's RSS self-watch measures this whole process (server, console, store, agent):
    // an idle server with its agent sits near 200 MB, and the self-watch would exit the server.
    maxRssMb: 768,
    log: (level, msg, extra) => server.fastify.log[level]({ ...extra, component: 'local-agent' }, msg),
  });
}
