import { PlusOutlined, ReloadOutlined } from '@ant-design/icons';
import { App, Button, Drawer, Popconfirm, Space, Table, Tabs, type TableColumnsType } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { callAction } from '../../../api/client.js';
import { PageHeader } from '../../../components/PageHeader.js';
import { useApiErrorHandler } from '../../../components/use-api-error.js';
import { formatTime } from '../../../util/format-time.js';
import { AttachedPoliciesPanel } from '../shared/AttachedPoliciesPanel.js';
import type { ListGroupsResponse, RamGroup } from '../shared/ram-types.js';
import { useActionData } from '../../../components/use-action-data.js';
import { GroupFormModal } from './GroupFormModal.js';
import { GroupMembersTab } from './GroupMembersTab.js';

export function GroupsPage() {
  const { t, i18n } = useTranslation();
  const { message } = App.useApp();
  const onError = useApiErrorHandler();
  const { data, loading, refresh } = useActionData<ListGroupsResponse, RamGroup[]>('ListGroups', {}, (r) => r.Groups.Group, []);
  const [creating, setCreating] = useState(false);
  const [opened, setOpened] = useState<string | undefined>();

  async function remove(group: RamGroup) {
    try {
      // Two products have a DeleteGroup: Sas (asset groups) and RAM (user groups).
      await callAction('DeleteGroup', { GroupName: group.GroupName }, 'Ram');
      void message.success(t('ram.groups.deletedToast'));
      await refresh();
    } catch (error) {
      onError(error);
    }
  }

  const columns: TableColumnsType<RamGroup> = [
    {
      title: t('ram.groups.groupName'),
      dataIndex: 'GroupName',
      key: 'name',
      render: (name: string) => (
        <Button type="link" style={{ padding: 0 }} onClick={() => setOpened(name)} data-testid={`group-open-${name}`}>
          {name}
        </Button>
      ),
    },
    { title: t('ram.groups.comments'), dataIndex: 'Comments', key: 'comments' },
    { title: t('ram.common.created'), dataIndex: 'CreateDate', key: 'created', render: (v: string) => formatTime(v, i18n.language) },
    {
      title: t('ram.common.actions'),
      key: 'actions',
      render: (_: unknown, row) => (
        <Space>
          <Button size="small" onClick={() => setOpened(row.GroupName)}>
            {t('ram.common.manage')}
          </Button>
          <Popconfirm
            title={t('ram.groups.deleteConfirm', { name: row.GroupName })}
            okText={t('common.delete')}
            okButtonProps={{ danger: true }}
            cancelText={t('common.cancel')}
            onConfirm={() => void remove(row)}
          >
            <Button size="small" danger data-testid={`group-delete-${row.GroupName}`}>
              {t('common.delete')}
            </Button>
          </Popconfirm>
        </Space>
      ),
    },
  ];

  return (
    <>
      <PageHeader
        title={t('ram.groups.title')}
        intro={t('ram.groups.intro')}
        extra={
          <Space>
            <Button icon={<ReloadOutlined />} onClick={() => void refresh()} loading={loading}>
              {t('common.refresh')}
            </Button>
            <Button type="primary" icon={<PlusOutlined />} onClick={() => setCreating(true)} data-testid="group-create">
              {t('ram.groups.create')}
            </Button>
          </Space>
        }
      />
      <Table<RamGroup> rowKey="GroupName" columns={columns} dataSource={data} loading={loading} pagination={{ pageSize: 20, hideOnSinglePage: true }} data-testid="group-table" />
      <GroupFormModal open={creating} onClose={() => setCreating(false)} onSaved={() => void refresh()} />
      <Drawer open={opened !== undefined} onClose={() => setOpened(undefined)} size={760} title={opened} destroyOnHidden>
        {opened ? (
          <Tabs
            items={[
              { key: 'members', label: t('ram.groups.tabMembers'), children: <GroupMembersTab groupName={opened} /> },
              { key: 'policies', label: t('ram.groups.tabPolicies'), children: <AttachedPoliciesPanel principal="Group" name={opened} /> },
            ]}
          />
        ) : null}
      </Drawer>
    </>
  );
}
