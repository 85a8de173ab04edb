import type { Config } from '../server/config.js';
import type { Store } from '../store/db.js';
import type { AccessKeyService } from '../domain/iam/access-key-service.js';
import type { AuditTrail } from '../domain/audit/audit-trail.js';
import type { SessionService } from '../domain/iam/session-service.js';
import type { LoginService } from '../domain/iam/login-service.js';
import type { Authorizer } from '../iam/authorizer.js';
import type { RamServices } from '../domain/ram/ram-services.js';
import type { AgentHub } from '../server/agent-hub.js';
import type { InstallCodeService } from '../domain/agents/install-code-service.js';
import type { AssetService } from '../domain/assets/asset-service.js';
import type { AssetExportService } from '../domain/assets/export-service.js';
import type { VulnService } from '../domain/vulns/vuln-service.js';
import type { BaselineService } from '../domain/baseline/baseline-service.js';
import type { AlertService } from '../domain/alerts/alert-service.js';

import type { LeakService } from '../domain/leaks/leak-service.js';
import type { WebshellService } from '../domain/leaks/webshell-service.js';
import type { BruteForceService } from '../domain/bruteforce/bruteforce-service.js';
import type { NotificationService } from '../domain/notify/notify-service.js';
/** The narrow set of domain services action handlers may use. */
export interface Services {
  config: Config;
  store: Store;
  accessKeys: AccessKeyService;
  audit: AuditTrail;
  sessions: SessionService;
  login: LoginService;
  authorizer: Authorizer;
  ram: RamServices;
  /** The agent link: live connections, tasks, snapshots/events (`agents.on('events', …)`), status. */
  agents: AgentHub;
  installCodes: InstallCodeService;
  /** Asset center: hosts, inventory items, groups, tags (fed by agent `inventory` snapshots). */
  assets: AssetService;
  assetExports: AssetExportService;
  /** Baseline check results per host × check (fed by agent `baseline` snapshots). */
  baseline: BaselineService;
  /** Security alerts: aggregation, lifecycle, whitelist, response operations (fed by agent `alert` events). */
  alerts: AlertService;
  /** Vulnerability management: advisory DB, matching of stored inventories, finding lifecycle. */
  vulns: VulnService;
  /** AccessKey-leak workflow: scan sources, found leaks, deal (disable / whitelist / manual). */
  leaks: LeakService;
  /** Webshell findings reported by agents (`webshell` snapshots). */
  webshells: WebshellService;
  /** Alert notification channels (webhook, DingTalk, Slack, SMTP) and delivery. */
  notifications: NotificationService;
  /** Anti-brute-force rules, login base configs, blocked sources reported by agents. */
  bruteForce: BruteForceService;
}
