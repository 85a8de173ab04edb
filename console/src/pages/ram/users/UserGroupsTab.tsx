import { App, Button, Popconfirm, Select, Space, Table, type TableColumnsType } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { callAction } from '../../../api/client.js';
import { useApiErrorHandler } from '../../../components/use-api-error.js';
import { formatTime } from '../../../util/format-time.js';
import type { ListGroupsResponse, RamGroup } from '../shared/ram-types.js';
import { useActionData } from '../shared/use-action-data.js';

/** The groups a user belongs to: add the user to a group, remove it from one. */
export function UserGroupsTab({ userName }: { userName: string }) {
  const { t, i18n } = useTranslation();
  const { message } = App.useApp();
  const onError = useApiErrorHandler();
  const mine = useActionData<ListGroupsResponse, RamGroup[]>('ListGroupsForUser', { UserName: userName }, (r) => r.Groups.Group, []);
  const all = useActionData<ListGroupsResponse, RamGroup[]>('ListGroups', {}, (r) => r.Groups.Group, []);
  const [picked, setPicked] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);
  const joined = new Set(mine.data.map((g) => g.GroupName));

  async function run(action: 'AddUserToGroup' | 'RemoveUserFromGroup', groupName: string, toastKey: string) {
    setBusy(true);
    try {
      await callAction(action, { GroupName: groupName, UserName: userName });
      void message.success(t(toastKey));
      setPicked(undefined);
      await mine.refresh();
    } catch (error) {
      onError(error);
    } finally {
      setBusy(false);
    }
  }

  const columns: TableColumnsType<RamGroup> = [
    { title: t('ram.groups.groupName'), dataIndex: 'GroupName', key: 'name' },
    { title: t('ram.groups.comments'), dataIndex: 'Comments', key: 'comments' },
    { title: t('ram.common.created'), dataIndex: 'CreateDate', key: 'created', render: (v: string) => formatTime(v, i18n.language) },
    {
      title: t('ram.common.actions'),
      key: 'actions',
      render: (_: unknown, row) => (
        <Popconfirm
          title={t('ram.users.leaveGroupConfirm', { group: row.GroupName })}
          okText={t('ram.common.remove')}
          okButtonProps={{ danger: true }}
          cancelText={t('common.cancel')}
          onConfirm={() => void run('RemoveUserFromGroup', row.GroupName, 'ram.users.removedFromGroupToast')}
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
          placeholder={t('ram.users.pickGroup')}
          value={picked}
          onChange={(v: string | undefined) => setPicked(v)}
          loading={all.loading}
          options={all.data.filter((g) => !joined.has(g.GroupName)).map((g) => ({ value: g.GroupName, label: g.GroupName }))}
        />
        <Button type="primary" disabled={picked === undefined} loading={busy} onClick={() => picked && void run('AddUserToGroup', picked, 'ram.users.addedToGroupToast')}>
          {t('ram.users.addToGroup')}
        </Button>
      </Space>
      <Table<RamGroup> rowKey="GroupName" size="small" columns={columns} dataSource={mine.data} loading={mine.loading} pagination={false} />
    </>
  );
}
