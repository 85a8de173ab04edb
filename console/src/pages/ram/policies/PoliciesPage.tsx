import { PlusOutlined, ReloadOutlined } from '@ant-design/icons';
import { App, Button, Popconfirm, Segmented, Space, Table, type TableColumnsType } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { callAction } from '../../../api/client.js';
import { PageHeader } from '../../../components/PageHeader.js';
import { useApiErrorHandler } from '../../../components/use-api-error.js';
import { formatTime } from '../../../util/format-time.js';
import { PolicyTypeTag } from '../shared/PolicyTypeTag.js';
import type { ListPoliciesResponse, PolicyType, RamPolicy } from '../shared/ram-types.js';
import { useActionData } from '../../../components/use-action-data.js';
import { PolicyDrawer, type OpenedPolicy } from './PolicyDrawer.js';
import { PolicyEditorModal, type EditorTarget } from './PolicyEditorModal.js';

type Filter = 'All' | PolicyType;

export function PoliciesPage() {
  const { t, i18n } = useTranslation();
  const { message } = App.useApp();
  const onError = useApiErrorHandler();
  const { data, loading, refresh } = useActionData<ListPoliciesResponse, RamPolicy[]>('ListPolicies', {}, (r) => r.Policies.Policy, []);
  const [filter, setFilter] = useState<Filter>('All');
  const [editor, setEditor] = useState<EditorTarget | undefined>();
  const [opened, setOpened] = useState<OpenedPolicy | undefined>();
  const [revision, setRevision] = useState(0);

  async function remove(policy: RamPolicy) {
    try {
      await callAction('DeletePolicy', { PolicyName: policy.PolicyName });
      void message.success(t('ram.policies.deletedToast'));
      await refresh();
    } catch (error) {
      onError(error);
    }
  }

  const columns: TableColumnsType<RamPolicy> = [
    {
      title: t('ram.policies.name'),
      dataIndex: 'PolicyName',
      key: 'name',
      sorter: (a, b) => a.PolicyName.localeCompare(b.PolicyName),
      render: (name: string, row) => (
        <Button type="link" style={{ padding: 0 }} onClick={() => setOpened({ name, type: row.PolicyType })} data-testid={`policy-open-${name}`}>
          {name}
        </Button>
      ),
    },
    { title: t('ram.policies.type'), dataIndex: 'PolicyType', key: 'type', render: (type: PolicyType) => <PolicyTypeTag type={type} /> },
    { title: t('ram.policies.description'), dataIndex: 'Description', key: 'description', ellipsis: true },
    { title: t('ram.policies.defaultVersion'), dataIndex: 'DefaultVersion', key: 'version' },
    { title: t('ram.policies.attachments'), dataIndex: 'AttachmentCount', key: 'count', sorter: (a, b) => a.AttachmentCount - b.AttachmentCount },
    { title: t('ram.common.updated'), dataIndex: 'UpdateDate', key: 'updated', render: (v: string | undefined) => formatTime(v, i18n.language) },
    {
      title: t('ram.common.actions'),
      key: 'actions',
      render: (_: unknown, row) =>
        row.PolicyType === 'Custom' ? (
          <Popconfirm
            title={t('ram.policies.deleteConfirm', { name: row.PolicyName })}
            description={row.AttachmentCount > 0 ? t('ram.policies.deleteAttachedHint') : undefined}
            okText={t('common.delete')}
            okButtonProps={{ danger: true }}
            cancelText={t('common.cancel')}
            onConfirm={() => void remove(row)}
          >
            <Button size="small" danger data-testid={`policy-delete-${row.PolicyName}`}>
              {t('common.delete')}
            </Button>
          </Popconfirm>
        ) : null,
    },
  ];

  return (
    <>
      <PageHeader
        title={t('ram.policies.title')}
        intro={t('ram.policies.intro')}
        extra={
          <Space>
            <Button icon={<ReloadOutlined />} onClick={() => void refresh()} loading={loading}>
              {t('common.refresh')}
            </Button>
            <Button type="primary" icon={<PlusOutlined />} onClick={() => setEditor({ mode: 'create' })} data-testid="policy-create">
              {t('ram.policies.create')}
            </Button>
          </Space>
        }
      />
      <Segmented<Filter>
        style={{ marginBottom: 12 }}
        value={filter}
        onChange={setFilter}
        options={[
          { value: 'All', label: t('ram.policies.all') },
          { value: 'System', label: t('ram.policies.typeSystem') },
          { value: 'Custom', label: t('ram.policies.typeCustom') },
        ]}
      />
      <Table<RamPolicy>
        rowKey={(p) => `${p.PolicyType}:${p.PolicyName}`}
        columns={columns}
        dataSource={filter === 'All' ? data : data.filter((p) => p.PolicyType === filter)}
        loading={loading}
        pagination={{ pageSize: 20, hideOnSinglePage: true }}
        data-testid="policy-table"
      />
      <PolicyEditorModal target={editor} onClose={() => setEditor(undefined)} onSaved={() => {
          setRevision((r) => r + 1);
          void refresh();
        }}
      />
      <PolicyDrawer opened={opened} revision={revision} onClose={() => setOpened(undefined)} onNewVersion={(name, document) => setEditor({ mode: 'version', policyName: name, document })} onChange={() => void refresh()} />
    </>
  );
}
