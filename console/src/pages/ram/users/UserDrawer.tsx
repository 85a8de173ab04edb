import { Descriptions, Drawer, Tabs, Tag } from 'antd';
import { useTranslation } from 'react-i18next';
import { formatTime } from '../../../util/format-time.js';
import { AttachedPoliciesPanel } from '../shared/AttachedPoliciesPanel.js';
import type { GetUserResponse, RamUser } from '../shared/ram-types.js';
import { useActionData } from '../../../components/use-action-data.js';
import { UserAccessKeysTab } from './UserAccessKeysTab.js';
import { UserGroupsTab } from './UserGroupsTab.js';
import { UserMfaTab } from './UserMfaTab.js';

/** One user's details: groups, policies, AccessKeys and MFA. */
export function UserDrawer({ userName, onClose, onChange }: { userName: string | undefined; onClose: () => void; onChange: () => void }) {
  const { t, i18n } = useTranslation();
  const { data: user, refresh } = useActionData<GetUserResponse, RamUser | undefined>('GetUser', { UserName: userName ?? '' }, (r) => r.User, undefined, userName !== undefined);
  const changed = () => {
    void refresh();
    onChange();
  };
  const current = user && user.UserName === userName ? user : undefined;
  return (
    <Drawer open={userName !== undefined} onClose={onClose} size={820} title={userName} destroyOnHidden data-testid="user-drawer">
      {current ? (
        <>
          <Descriptions size="small" column={2} style={{ marginBottom: 16 }}>
            <Descriptions.Item label={t('ram.users.displayName')}>{current.DisplayName}</Descriptions.Item>
            <Descriptions.Item label={t('ram.users.email')}>{current.Email}</Descriptions.Item>
            <Descriptions.Item label={t('ram.users.mfa')}>
              <Tag color={current.MFAEnabled ? 'green' : 'default'}>{current.MFAEnabled ? t('ram.users.mfaOn') : t('ram.users.mfaOff')}</Tag>
            </Descriptions.Item>
            <Descriptions.Item label={t('ram.users.lastLogin')}>{current.LastLoginDate ? formatTime(current.LastLoginDate, i18n.language) : t('ram.users.never')}</Descriptions.Item>
          </Descriptions>
          <Tabs
            items={[
              { key: 'groups', label: t('ram.users.tabGroups'), children: <UserGroupsTab userName={current.UserName} /> },
              { key: 'policies', label: t('ram.users.tabPolicies'), children: <AttachedPoliciesPanel principal="User" name={current.UserName} onChange={onChange} /> },
              { key: 'keys', label: t('ram.users.tabAccessKeys'), children: <UserAccessKeysTab userName={current.UserName} /> },
              { key: 'mfa', label: t('ram.users.tabMfa'), children: <UserMfaTab user={current} onChange={changed} /> },
            ]}
          />
        </>
      ) : null}
    </Drawer>
  );
}
