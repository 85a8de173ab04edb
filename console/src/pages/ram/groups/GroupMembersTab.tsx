import { useTranslation } from 'react-i18next';
import { useActionData } from '../../../components/use-action-data.js';
import { formatTime } from '../../../util/format-time.js';
import { MembershipTab } from '../shared/MembershipTab.js';
import type { GroupMember, ListUsersForGroupResponse, ListUsersResponse } from '../shared/ram-types.js';

/** Members of a group: add a user, remove one. */
export function GroupMembersTab({ groupName }: { groupName: string }) {
  const { t, i18n } = useTranslation();
  const members = useActionData<ListUsersForGroupResponse, GroupMember[]>('ListUsersForGroup', { GroupName: groupName }, (r) => r.Users.User, []);
  const users = useActionData<ListUsersResponse, string[]>('ListUsers', { MaxItems: 1000 }, (r) => r.Users.User.map((u) => u.UserName), []);
  return (
    <MembershipTab<GroupMember>
      rows={members}
      nameOf={(m) => m.UserName}
      candidates={users}
      paramsFor={(userName) => ({ GroupName: groupName, UserName: userName })}
      columns={[
        { title: t('ram.users.userName'), dataIndex: 'UserName', key: 'name' },
        { title: t('ram.users.displayName'), dataIndex: 'DisplayName', key: 'display' },
        { title: t('ram.groups.joinDate'), dataIndex: 'JoinDate', key: 'joined', render: (v: string) => formatTime(v, i18n.language) },
      ]}
      labels={{
        pick: t('ram.groups.pickUser'),
        add: t('ram.groups.addMember'),
        added: t('ram.groups.memberAddedToast'),
        removed: t('ram.groups.memberRemovedToast'),
        removeConfirm: (name) => t('ram.groups.removeMemberConfirm', { name }),
      }}
      testIds={{ select: 'member-select', add: 'member-add', table: 'group-members' }}
    />
  );
}
