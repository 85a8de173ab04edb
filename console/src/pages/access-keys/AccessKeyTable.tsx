import { DeleteOutlined } from '@ant-design/icons';
import { Button, Popconfirm, Switch, Table, Tag, type TableColumnsType } from 'antd';
import { useTranslation } from 'react-i18next';
import type { AccessKeyItem, AccessKeyStatus } from '../../api/types.js';
import { formatTime } from '../../util/format-time.js';

interface AccessKeyTableProps {
  keys: AccessKeyItem[];
  loading: boolean;
  /** AccessKeyId whose update/delete is in flight. */
  busyId: string | undefined;
  onToggle: (id: string, status: AccessKeyStatus) => void;
  onDelete: (id: string) => void;
}

export function AccessKeyTable({ keys, loading, busyId, onToggle, onDelete }: AccessKeyTableProps) {
  const { t, i18n } = useTranslation();
  const columns: TableColumnsType<AccessKeyItem> = [
    { title: t('accessKeys.columnId'), dataIndex: 'AccessKeyId', key: 'id', render: (id: string) => <code>{id}</code> },
    {
      title: t('accessKeys.columnStatus'),
      dataIndex: 'Status',
      key: 'status',
      filters: [
        { text: t('accessKeys.active'), value: 'Active' },
        { text: t('accessKeys.inactive'), value: 'Inactive' },
      ],
      onFilter: (value, row) => row.Status === value,
      render: (status: AccessKeyStatus, row) => (
        <>
          <Switch
            size="small"
            checked={status === 'Active'}
            loading={busyId === row.AccessKeyId}
            aria-label={t('accessKeys.toggleLabel', { id: row.AccessKeyId })}
            data-testid={`access-key-toggle-${row.AccessKeyId}`}
            onChange={(checked) => onToggle(row.AccessKeyId, checked ? 'Active' : 'Inactive')}
          />{' '}
          <Tag color={status === 'Active' ? 'green' : 'default'}>
            {status === 'Active' ? t('accessKeys.active') : t('accessKeys.inactive')}
          </Tag>
        </>
      ),
    },
    {
      title: t('accessKeys.columnCreated'),
      dataIndex: 'CreateDate',
      key: 'created',
      sorter: (a, b) => a.CreateDate.localeCompare(b.CreateDate),
      defaultSortOrder: 'descend',
      render: (value: string) => formatTime(value, i18n.language),
    },
    {
      title: t('accessKeys.columnLastUsed'),
      dataIndex: 'LastUsedDate',
      key: 'lastUsed',
      render: (value: string | undefined) => (value ? formatTime(value, i18n.language) : t('accessKeys.never')),
    },
    {
      title: t('accessKeys.columnActions'),
      key: 'actions',
      render: (_: unknown, row) => (
        <Popconfirm
          title={t('accessKeys.deleteConfirmTitle')}
          description={t('accessKeys.deleteConfirmText', { id: row.AccessKeyId })}
          okText={t('common.delete')}
          okButtonProps={{ danger: true }}
          cancelText={t('common.cancel')}
          onConfirm={() => onDelete(row.AccessKeyId)}
        >
          <Button
            danger
            size="small"
            icon={<DeleteOutlined />}
            aria-label={t('accessKeys.deleteLabel', { id: row.AccessKeyId })}
            data-testid={`access-key-delete-${row.AccessKeyId}`}
          >
            {t('common.delete')}
          </Button>
        </Popconfirm>
      ),
    },
  ];
  return (
    <Table<AccessKeyItem>
      rowKey="AccessKeyId"
      columns={columns}
      dataSource={keys}
      loading={loading}
      pagination={{ pageSize: 20, hideOnSinglePage: true }}
      data-testid="access-key-table"
    />
  );
}
