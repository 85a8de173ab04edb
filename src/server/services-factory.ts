import { join } from 'node:path';
import type { Services } from '../actions/services.js';
import { AuditTrail, type AuditLogger } from '../domain/audit/audit-trail.js';
import { createForwarders } from '../domain/audit/forward/index.js';
import { AccessKeyService } from '../domain/iam/access-key-service.js';
import { LoginService } from '../domain/iam/login-service.js';
import { SessionService } from '../domain/iam/session-service.js';
import { SecretBox } from '../iam/crypto.js';
import type { Authorizer } from '../iam/authorizer.js';
import { RamAuthorizer } from '../iam/ram-authorizer.js';
import { createRamServices } from '../domain/ram/ram-services.js';
import { ActionCatalog } from '../actions/action-catalog.js';
import { ALL_ACTIONS, RAM_ACTIONS } from '../actions/catalog.js';
import { migrateToLatest, openStore } from '../store/db.js';
import type { Config } from './config.js';
import { loadMasterKey } from './master-key.js';
import { AgentHub } from './agent-hub.js';
import { AgentRegistry } from '../domain/agents/agent-registry.js';
import { AgentTaskStore } from '../domain/agents/agent-tasks.js';
import { InstallCodeService } from '../domain/agents/install-code-service.js';
import { AssetService } from '../domain/assets/asset-service.js';
import { AssetExportService } from '../domain/assets/export-service.js';
import { wireAssetIngest } from '../domain/assets/ingest-wiring.js';
import { VulnService } from '../domain/vulns/vuln-service.js';
import { wireVulnEvaluation } from '../domain/vulns/vuln-wiring.js';
import { BaselineService } from '../domain/baseline/baseline-service.js';
import { wireBaselineIngest } from '../domain/baseline/ingest-wiring.js';
import { AlertService } from '../domain/alerts/alert-service.js';
import { wireAlertIngest } from '../domain/alerts/ingest-wiring.js';
import { NotificationService } from '../domain/notify/notify-service.js';
import { wireAkAnomaly } from '../domain/audit/ak-anomaly-wiring.js';

import { LeakService } from '../domain/leaks/leak-service.js';
import { WebshellService } from '../domain/leaks/webshell-service.js';
import { wireWebshellIngest } from '../domain/leaks/webshell-ingest.js';
import { BruteForceService } from '../domain/bruteforce/bruteforce-service.js';
import { wireBruteForce } from '../domain/bruteforce/ingest-wiring.js';
let knownRamActions: Set<string> | null = null;
/** Every RAM action name Vigil serves, for "unknown action" warnings when a policy is saved. */
function knownActions(): ReadonlySet<string> {
  knownRamActions ??= new ActionCatalog([...ALL_ACTIONS, ...RAM_ACTIONS]).ramActionNames();
  return knownRamActions;
}

/** Opens the store (migrating it) and wires the domain services. Shared by the server and the CLI. */
export async function createServices(config: Config, log: AuditLogger, authorizer?: Authorizer): Promise<Services> {
  // Before the store opens: a bad forwarding CA file fails startup without leaking a pool.
  const forwarders = createForwarders(config.audit.forward, log);
  const store = openStore({
    ...(config.databaseUrl ? { databaseUrl: config.databaseUrl } : {}),
    sqlitePath: join(config.home, 'vigil.db'),
    onPoolError: (err) => log.warn({ err }, 'PostgreSQL connection lost; the next query reconnects'),
  });
  try {
    await migrateToLatest(store);
  } catch (err) {
    await store.close();
    throw err;
  }
  const box = new SecretBox(loadMasterKey(config.home));
  const ram = createRamServices(store.db, box, knownActions);
  const assets = new AssetService(store.db);
  const services: Services = {
    config,
    store,
    accessKeys: new AccessKeyService(store.db, box),
    audit: new AuditTrail(store.db, log, config.audit.jsonlFile, forwarders),
    sessions: new SessionService(store.db, config.session.ttlMinutes * 60_000),
    login: new LoginService(store.db, box, config.login),
    authorizer: authorizer ?? new RamAuthorizer(ram.policies, ram.revision),
    ram,
    agents: new AgentHub(new AgentRegistry(store.db, box), new AgentTaskStore(store.db), log),
    installCodes: new InstallCodeService(store.db),
    assets,
    assetExports: new AssetExportService(store.db, assets, join(config.home, 'exports')),
    vulns: new VulnService(store.db, log),
    baseline: new BaselineService(store.db),
    // Tasks go through the hub built just above; the closure reads it once the object exists.
    alerts: new AlertService(store.db, { sendTask: (...a) => services.agents.sendTask(...a) }, log),
    // Disabling goes through the server's AccessKeyService so its signature cache drops the key at once.
    leaks: new LeakService(store.db, { setStatus: (...a) => services.accessKeys.setStatus(...a) }),
    webshells: new WebshellService(store.db),
    bruteForce: new BruteForceService(store.db, { enqueueTask: (...a) => services.agents.enqueueTask(...a), sendTask: (...a) => services.agents.sendTask(...a), isConnected: (id) => services.agents.isConnected(id), registry: { list: (acc) => services.agents.registry.list(acc) } }, log),
    notifications: new NotificationService(store.db, box, log),
  };
  wireAssetIngest(services.agents, assets, log);
  wireVulnEvaluation(services.agents, services.vulns);
  wireBaselineIngest(services.agents, services.baseline, log);
  wireAlertIngest(services.agents, services.alerts, log);
  services.alerts.onIngested((e) => void services.notifications.onAlert(e).catch((err: unknown) => log.warn({ err, alertId: e.alertId }, 'alert notification failed')));
  const ak = config.akAnomaly ?? {};
  wireAkAnomaly(services.audit, store.db, (...a) => services.alerts.ingest(...a), log, {
    ...(ak.learnCalls !== undefined ? { learnCalls: ak.learnCalls } : {}),
    ...(ak.learnMinutes !== undefined ? { learnMs: ak.learnMinutes * 60_000 } : {}),
    ...(ak.deniedBurst !== undefined ? { deniedBurst: ak.deniedBurst } : {}),
    ...(ak.deniedWindowSec !== undefined ? { deniedWindowMs: ak.deniedWindowSec * 1000 } : {}),
  });
  wireWebshellIngest(services.agents, services.webshells, log);
  wireBruteForce(services.agents, services.bruteForce, log);
  services.leaks.startSchedule(log);
  return services;
}

export async function closeServices(s: Services): Promise<void> {
  s.leaks.stop();
  s.notifications.stop();
  await s.vulns.stop();
  s.agents.stop();
  await s.audit.close();
  await s.accessKeys.flushLastUsed();
  await s.store.close();
}
