import { useTranslation } from 'react-i18next';
import { useActionData } from '../../../components/use-action-data.js';
import { formatTime } from '../../../util/format-time.js';
import { MembershipTab } from '../shared/MembershipTab.js';
import type { ListGroupsResponse, RamGroup } from '../shared/ram-types.js';

/** The groups a user belongs to: add the user to a group, remove it from one. */
export function UserGroupsTab({ userName }: { userName: string }) {
  const { t, i18n } = useTranslation();
  const mine = useActionData<ListGroupsResponse, RamGroup[]>('ListGroupsForUser', { UserName: userName }, (r) => r.Groups.Group, []);
  const all = useActionData<ListGroupsResponse, string[]>('ListGroups', {}, (r) => r.Groups.Group.map((g) => g.GroupName), []);
  return (
    <MembershipTab<RamGroup>
      rows={mine}
      nameOf={(g) => g.GroupName}
      candidates={all}
      paramsFor={(groupName) => ({ GroupName: groupName, UserName: userName })}
      columns={[
        { title: t('ram.groups.groupName'), dataIndex: 'GroupName', key: 'name' },
        { title: t('ram.groups.comments'), dataIndex: 'Comments', key: 'comments' },
        { title: t('ram.common.created'), dataIndex: 'CreateDate', key: 'created', render: (v: string) => formatTime(v, i18n.language) },
      ]}
      labels={{
        pick: t('ram.users.pickGroup'),
        add: t('ram.users.addToGroup'),
        added: t('ram.users.addedToGroupToast'),
        removed: t('ram.users.removedFromGroupToast'),
        removeConfirm: (group) => t('ram.users.leaveGroupConfirm', { group }),
      }}
    />
  );
}
