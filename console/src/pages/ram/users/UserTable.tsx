import { Button, Popconfirm, Space, Table, Tag, type TableColumnsType } from 'antd';
import { useTranslation } from 'react-i18next';
import { formatTime } from '../../../util/format-time.js';
import type { RamUser } from '../shared/ram-types.js';

interface UserTableProps {
  users: RamUser[];
  loading: boolean;
  onOpen: (user: RamUser) => void;
  onEdit: (user: RamUser) => void;
  onDelete: (user: RamUser) => void;
}

export function UserTable({ users, loading, onOpen, onEdit, onDelete }: UserTableProps) {
  const { t, i18n } = useTranslation();
  const columns: TableColumnsType<RamUser> = [
    {
      title: t('ram.users.userName'),
      dataIndex: 'UserName',
      key: 'name',
      sorter: (a, b) => a.UserName.localeCompare(b.UserName),
      render: (name: string, row) => (
        <Button type="link" style={{ padding: 0 }} onClick={() => onOpen(row)} data-testid={`user-open-${name}`}>
          {name}
        </Button>
      ),
    },
    { title: t('ram.users.displayName'), dataIndex: 'DisplayName', key: 'display' },
    {
      title: t('ram.users.mfa'),
      dataIndex: 'MFAEnabled',
      key: 'mfa',
      render: (on: boolean) => <Tag color={on ? 'green' : 'default'}>{on ? t('ram.users.mfaOn') : t('ram.users.mfaOff')}</Tag>,
    },
    { title: t('ram.users.consoleLogin'), dataIndex: 'HasLoginProfile', key: 'login', render: (on: boolean) => (on ? t('ram.common.yes') : t('ram.common.no')) },
    { title: t('ram.users.lastLogin'), dataIndex: 'LastLoginDate', key: 'last', render: (v: string | undefined) => (v ? formatTime(v, i18n.language) : t('ram.users.never')) },
    { title: t('ram.common.created'), dataIndex: 'CreateDate', key: 'created', render: (v: string) => formatTime(v, i18n.language) },
    {
      title: t('ram.common.actions'),
      key: 'actions',
      render: (_: unknown, row) => (
        <Space>
          <Button size="small" onClick={() => onOpen(row)}>
            {t('ram.common.manage')}
          </Button>
          <Button size="small" onClick={() => onEdit(row)} data-testid={`user-edit-${row.UserName}`}>
            {t('ram.common.edit')}
          </Button>
          <Popconfirm
            title={t('ram.users.deleteConfirm', { name: row.UserName })}
            okText={t('common.delete')}
            okButtonProps={{ danger: true }}
            cancelText={t('common.cancel')}
            onConfirm={() => onDelete(row)}
          >
            <Button size="small" danger data-testid={`user-delete-${row.UserName}`}>
              {t('common.delete')}
            </Button>
          </Popconfirm>
        </Space>
      ),
    },
  ];
  return <Table<RamUser> rowKey="UserName" columns={columns} dataSource={users} loading={loading} pagination={{ pageSize: 20, hideOnSinglePage: true }} data-testid="user-table" />;
}
