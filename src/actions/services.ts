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
}
