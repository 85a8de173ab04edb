import { App, Button, Popconfirm, Select, Space, Table, type TableColumnsType } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { callAction } from '../../../api/client.js';
import { useApiErrorHandler } from '../../../components/use-api-error.js';
import { formatTime } from '../../../util/format-time.js';
import type { GroupMember, ListUsersForGroupResponse, ListUsersResponse, RamUser } from '../shared/ram-types.js';
import { useActionData } from '../shared/use-action-data.js';

/** Members of a group: add a user, remove one. */
export function GroupMembersTab({ groupName }: { groupName: string }) {
  const { t, i18n } = useTranslation();
  const { message } = App.useApp();
  const onError = useApiErrorHandler();
  const members = useActionData<ListUsersForGroupResponse, GroupMember[]>('ListUsersForGroup', { GroupName: groupName }, (r) => r.Users.User, []);
  const users = useActionData<ListUsersResponse, RamUser[]>('ListUsers', { MaxItems: 1000 }, (r) => r.Users.User, []);
  const [picked, setPicked] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);
  const inGroup = new Set(members.data.map((m) => m.UserName));

  async function run(action: 'AddUserToGroup' | 'RemoveUserFromGroup', userName: string, toastKey: string) {
    setBusy(true);
    try {
      await callAction(action, { GroupName: groupName, UserName: userName });
      void message.success(t(toastKey));
      setPicked(undefined);
      await members.refresh();
    } catch (error) {
      onError(error);
    } finally {
      setBusy(false);
    }
  }

  const columns: TableColumnsType<GroupMember> = [
    { title: t('ram.users.userName'), dataIndex: 'UserName', key: 'name' },
    { title: t('ram.users.displayName'), dataIndex: 'DisplayName', key: 'display' },
    { title: t('ram.groups.joinDate'), dataIndex: 'JoinDate', key: 'joined', render: (v: string) => formatTime(v, i18n.language) },
    {
      title: t('ram.common.actions'),
      key: 'actions',
      render: (_: unknown, row) => (
        <Popconfirm
          title={t('ram.groups.removeMemberConfirm', { name: row.UserName })}
          okText={t('ram.common.remove')}
          okButtonProps={{ danger: true }}
          cancelText={t('common.cancel')}
          onConfirm={() => void run('RemoveUserFromGroup', row.UserName, 'ram.groups.memberRemovedToast')}
        >
          <Button size="small" danger>
            {t('ram.common.remove')}
          </Button>
        </Popconfirm>
      ),
    },
  ];

  return (
    <>
      <Space style={{ marginBottom: 12 }} wrap>
        <Select
          showSearch={{ optionFilterProp: 'label' }}
          allowClear
          style={{ minWidth: 240 }}
          placeholder={t('ram.groups.pickUser')}
          data-testid="member-select"
          value={picked}
          onChange={(v: string | undefined) => setPicked(v)}
          loading={users.loading}
          options={users.data.filter((u) => !inGroup.has(u.UserName)).map((u) => ({ value: u.UserName, label: u.UserName }))}
        />
        <Button type="primary" disabled={picked === undefined} loading={busy} onClick={() => picked && void run('AddUserToGroup', picked, 'ram.groups.memberAddedToast')} data-testid="member-add">
          {t('ram.groups.addMember')}
        </Button>
      </Space>
      <Table<GroupMember> rowKey="UserName" size="small" data-testid="group-members" columns={columns} dataSource={members.data} loading={members.loading} pagination={false} />
    </>
  );
}
