import type { AnyAction } from './catalog-types.js';
import { ActionCatalog } from './action-catalog.js';
import { describeSummaryInfo } from './summary.js';
import { createAccessKey, deleteAccessKey, listAccessKeys, updateAccessKey } from './access-keys.js';
import { lookupEvents } from './audit.js';
import { describeAuditForwarding } from './audit-forwarding.js';
import { addInstallCode, deleteInstallCode, describeInstallCodes, pauseClient } from './agents.js';
import { ASSET_ACTIONS } from './assets.js';
import { ASSET_PROPERTY_ACTIONS } from './assets-properties.js';
import { ASSET_EXPORT_ACTIONS } from './assets-export.js';
import { ASSET_TASK_ACTIONS } from './assets-tasks.js';
import { BASELINE_ACTIONS } from './baseline.js';
import { BASELINE_STRATEGY_ACTIONS } from './baseline-strategy.js';
import { VULN_ACTIONS } from './vulns.js';
import { VULN_SETTING_ACTIONS } from './vulns-settings.js';
import { LEAK_ACTIONS } from './leaks.js';
import { BATCH_INSTALL_ACTIONS } from './batch-install.js';
import { ASSET_CONDITION_ACTIONS } from './assets-conditions.js';
import { REBOOT_ACTIONS } from './vulns-reboot.js';

import { createLoginProfile, createUser, deleteUser, getUser, listUsers, updateLoginProfile, updateUser } from './ram-users.js';
import { addUserToGroup, createGroup, deleteRamGroup, listGroups, listGroupsForUser, listUsersForGroup, removeUserFromGroup } from './ram-groups.js';
import * as ramPolicies from './ram-policies.js';
import { bindMFADevice, createVirtualMFADevice, unbindMFADevice } from './ram-mfa.js';
import { simulateCustomPolicy, simulatePrincipalPolicy } from './ram-simulate.js';import { ALERT_ACTIONS } from './alerts.js';
import { TRACE_ACTIONS } from './traces.js';
import { NOTIFY_ACTIONS } from './notifications.js';
import { BRUTEFORCE_ACTIONS } from './bruteforce.js';

/** Every action the gateway serves; one declaration each. */
export const ALL_ACTIONS: readonly AnyAction[] = [describeSummaryInfo, createAccessKey, listAccessKeys, updateAccessKey, deleteAccessKey, lookupEvents, describeAuditForwarding, addInstallCode, describeInstallCodes, deleteInstallCode, pauseClient, ...ASSET_ACTIONS, ...ASSET_PROPERTY_ACTIONS, ...ASSET_EXPORT_ACTIONS, ...ASSET_TASK_ACTIONS, ...VULN_ACTIONS, ...VULN_SETTING_ACTIONS, ...BASELINE_ACTIONS, ...BASELINE_STRATEGY_ACTIONS, ...LEAK_ACTIONS, ...ALERT_ACTIONS, ...BATCH_INSTALL_ACTIONS, ...ASSET_CONDITION_ACTIONS, ...TRACE_ACTIONS, ...NOTIFY_ACTIONS, ...BRUTEFORCE_ACTIONS, ...REBOOT_ACTIONS];

/** RAM 2015-05-01 user, group, policy, MFA and simulator actions. */
export const RAM_ACTIONS: readonly AnyAction[] = [
  createUser, getUser, updateUser, deleteUser, listUsers, createLoginProfile, updateLoginProfile,
  createGroup, deleteRamGroup, listGroups, addUserToGroup, removeUserFromGroup, listGroupsForUser, listUsersForGroup,
  ...Object.values(ramPolicies),
  createVirtualMFADevice, bindMFADevice, unbindMFADevice, simulateCustomPolicy, simulatePrincipalPolicy,
];

export function buildCatalog(actions: readonly AnyAction[] = [...ALL_ACTIONS, ...RAM_ACTIONS]): ActionCatalog {
  return new ActionCatalog(actions);
}
