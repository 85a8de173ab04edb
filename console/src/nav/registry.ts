import {
  AlertOutlined,
  AuditOutlined,
  BugOutlined,
  CheckSquareOutlined,
  CloudServerOutlined,
  CloudDownloadOutlined,
  DashboardOutlined,
  KeyOutlined,
  SafetyCertificateOutlined,
  ExperimentOutlined,
  FileProtectOutlined,
  TeamOutlined,
  UserOutlined,
  FileSearchOutlined,
  NotificationOutlined,
  StopOutlined,
} from '@ant-design/icons';
import { lazy, type ComponentType, type LazyExoticComponent } from 'react';

/** Top-level sections of the product menu, in the order of SPEC. */
export const NAV_SECTIONS = [
  'overview',
  'assets',
  'prevention',
  'detection',
  'activeDefense',
  'settings',
  'accessControl',
  'audit',
] as const;
export type NavSection = (typeof NAV_SECTIONS)[number];

/** Sections that are a single page (a plain menu entry) rather than a sub-menu. */
export const FLAT_SECTIONS: ReadonlySet<NavSection> = new Set<NavSection>(['overview', 'assets', 'audit']);

export const SECTION_ICONS: Partial<Record<NavSection, ComponentType>> = {
  accessControl: SafetyCertificateOutlined,
};

export interface NavEntry {
  key: string;
  /** Route path inside the console (HashRouter), e.g. `/audit`. */
  path: string;
  /** i18n key of the menu label and page title. */
  labelKey: string;
  icon: ComponentType;
  group: NavSection;
  page: LazyExoticComponent<ComponentType>;
}

function page<T extends Record<string, ComponentType>>(load: () => Promise<T>, name: keyof T) {
  return lazy(async () => ({ default: (await load())[name] as ComponentType }));
}

/** Every console page: one line here adds both its menu entry and its route. */
export const NAV_ENTRIES: readonly NavEntry[] = [
  { key: 'overview', path: '/overview', labelKey: 'nav.overview', icon: DashboardOutlined, group: 'overview', page: page(() => import('../pages/overview/OverviewPage.js'), 'OverviewPage') },
  { key: 'assets', path: '/assets', labelKey: 'nav.assets', icon: CloudServerOutlined, group: 'assets', page: page(() => import('../pages/assets/AssetsPage.js'), 'AssetsPage') },
  { key: 'baseline', path: '/prevention/baseline', labelKey: 'nav.baseline', icon: CheckSquareOutlined, group: 'prevention', page: page(() => import('../pages/baseline/BaselinePage.js'), 'BaselinePage') },
  { key: 'ramUsers', path: '/access-control/users', labelKey: 'nav.ramUsers', icon: UserOutlined, group: 'accessControl', page: page(() => import('../pages/ram/users/UsersPage.js'), 'UsersPage') },
  { key: 'ramGroups', path: '/access-control/groups', labelKey: 'nav.ramGroups', icon: TeamOutlined, group: 'accessControl', page: page(() => import('../pages/ram/groups/GroupsPage.js'), 'GroupsPage') },
  { key: 'ramPolicies', path: '/access-control/policies', labelKey: 'nav.ramPolicies', icon: FileProtectOutlined, group: 'accessControl', page: page(() => import('../pages/ram/policies/PoliciesPage.js'), 'PoliciesPage') },
  { key: 'accessKeys', path: '/access-control/access-keys', labelKey: 'nav.accessKeys', icon: KeyOutlined, group: 'accessControl', page: page(() => import('../pages/access-keys/AccessKeysPage.js'), 'AccessKeysPage') },
  { key: 'ramSimulator', path: '/access-control/simulator', labelKey: 'nav.ramSimulator', icon: ExperimentOutlined, group: 'accessControl', page: page(() => import('../pages/ram/simulator/SimulatorPage.js'), 'SimulatorPage') },
  { key: 'agentInstall', path: '/settings/agent-install', labelKey: 'nav.agentInstall', icon: CloudDownloadOutlined, group: 'settings', page: page(() => import('../pages/agent-install/AgentInstallPage.js'), 'AgentInstallPage') },
  { key: 'akLeaks', path: '/detection/ak-leaks', labelKey: 'nav.akLeaks', icon: KeyOutlined, group: 'detection', page: page(() => import('../pages/leaks/LeaksPage.js'), 'LeaksPage') },
  { key: 'alerts', path: '/detection/alerts', labelKey: 'nav.alerts', icon: AlertOutlined, group: 'detection', page: page(() => import('../pages/alerts/AlertsPage.js'), 'AlertsPage') },
  { key: 'vulns', path: '/prevention/vulns', labelKey: 'nav.vulns', icon: BugOutlined, group: 'prevention', page: page(() => import('../pages/vulns/VulnsPage.js'), 'VulnsPage') },
  { key: 'audit', path: '/audit', labelKey: 'nav.audit', icon: AuditOutlined, group: 'audit', page: page(() => import('../pages/audit/AuditPage.js'), 'AuditPage') },
  { key: 'intrusionTraces', path: '/detection/intrusion-traces', labelKey: 'nav.intrusionTraces', icon: FileSearchOutlined, group: 'detection', page: page(() => import('../pages/traces/TracesPage.js'), 'TracesPage') },
  { key: 'notifications', path: '/settings/notifications', labelKey: 'nav.notifications', icon: NotificationOutlined, group: 'settings', page: page(() => import('../pages/notifications/NotificationsPage.js'), 'NotificationsPage') },
  { key: 'bruteForce', path: '/settings/brute-force', labelKey: 'nav.bruteForce', icon: StopOutlined, group: 'settings', page: page(() => import('../pages/bruteforce/BruteForcePage.js'), 'BruteForcePage') },
];

export const HOME_PATH = '/overview';
