import { App, Button, Popconfirm, Space, Table, Tag, type TableColumnsType } from 'antd';
import { useTranslation } from 'react-i18next';
import { callAction } from '../../../api/client.js';
import { useApiErrorHandler } from '../../../components/use-api-error.js';
import { formatTime } from '../../../util/format-time.js';
import type { PolicyVersion } from '../shared/ram-types.js';
import { prettyPolicy } from './policy-json.js';

/** Versions of a custom policy: read each document, switch the default, delete a non-default one. */
export function PolicyVersionsTab({ policyName, versions, loading, onChange }: { policyName: string; versions: PolicyVersion[]; loading: boolean; onChange: () => void }) {
  const { t, i18n } = useTranslation();
  const { message } = App.useApp();
  const onError = useApiErrorHandler();

  async function run(action: 'SetDefaultPolicyVersion' | 'DeletePolicyVersion', versionId: string, toastKey: string) {
    try {
      await callAction(action, { PolicyName: policyName, VersionId: versionId });
      void message.success(t(toastKey));
      onChange();
    } catch (error) {
      onError(error);
    }
  }

  const columns: TableColumnsType<PolicyVersion> = [
    {
      title: t('ram.policies.version'),
      dataIndex: 'VersionId',
      key: 'id',
      render: (id: string, row) => (
        <Space>
          {id}
          {row.IsDefaultVersion ? <Tag color="green">{t('ram.policies.default')}</Tag> : null}
        </Space>
      ),
    },
    { title: t('ram.common.created'), dataIndex: 'CreateDate', key: 'created', render: (v: string) => formatTime(v, i18n.language) },
    {
      title: t('ram.common.actions'),
      key: 'actions',
      render: (_: unknown, row) =>
        row.IsDefaultVersion ? null : (
          <Space>
            <Button size="small" onClick={() => void run('SetDefaultPolicyVersion', row.VersionId, 'ram.policies.defaultSetToast')} data-testid={`version-default-${row.VersionId}`}>
              {t('ram.policies.setDefault')}
            </Button>
            <Popconfirm
              title={t('ram.policies.deleteVersionConfirm', { id: row.VersionId })}
              okText={t('common.delete')}
              okButtonProps={{ danger: true }}
              cancelText={t('common.cancel')}
              onConfirm={() => void run('DeletePolicyVersion', row.VersionId, 'ram.policies.versionDeletedToast')}
            >
              <Button size="small" danger data-testid={`version-delete-${row.VersionId}`}>
                {t('common.delete')}
              </Button>
            </Popconfirm>
          </Space>
        ),
    },
  ];
  return (
    <Table<PolicyVersion>
      rowKey="VersionId"
      size="small"
      columns={columns}
      dataSource={versions}
      loading={loading}
      pagination={false}
      expandable={{ expandedRowRender: (row) => <pre style={{ margin: 0, fontSize: 12 }}>{prettyPolicy(row.PolicyDocument)}</pre> }}
      data-testid="policy-versions"
    />
  );
}
