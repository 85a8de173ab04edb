import { App, Button, Popconfirm, Space, Table, type TableColumnsType } from 'antd';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { callAction } from '../../../api/client.js';
import { useApiErrorHandler } from '../../../components/use-api-error.js';
import { formatTime } from '../../../util/format-time.js';
import { parsePolicyKey, policyKey, PolicySelect } from './PolicySelect.js';
import { PolicyTypeTag } from './PolicyTypeTag.js';
import type { AttachedPolicy, ListAttachedPoliciesResponse, PolicyType } from './ram-types.js';
import { useActionData } from '../../../components/use-action-data.js';

/** Policies attached to one user or group: attach a system/custom policy, detach one. */
export function AttachedPoliciesPanel({ principal, name, onChange }: { principal: 'User' | 'Group'; name: string; onChange?: () => void }) {
  const { t, i18n } = useTranslation();
  const { message } = App.useApp();
  const onError = useApiErrorHandler();
  const nameParam = principal === 'User' ? { UserName: name } : { GroupName: name };
  const { data, loading, refresh } = useActionData<ListAttachedPoliciesResponse, AttachedPolicy[]>(`ListPoliciesFor${principal}`, nameParam, (r) => r.Policies.Policy, []);
  const [picked, setPicked] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);
  const attached = useMemo(() => new Set(data.map((p) => policyKey(p.PolicyType, p.PolicyName))), [data]);

  async function run(action: string, params: { PolicyType: PolicyType; PolicyName: string }, toastKey: string) {
    setBusy(true);
    try {
      await callAction(action, { ...params, ...nameParam });
      void message.success(t(toastKey));
      setPicked(undefined);
      await refresh();
      onChange?.();
    } catch (error) {
      onError(error);
    } finally {
      setBusy(false);
    }
  }

  const columns: TableColumnsType<AttachedPolicy> = [
    { title: t('ram.policies.name'), dataIndex: 'PolicyName', key: 'name' },
    { title: t('ram.policies.type'), dataIndex: 'PolicyType', key: 'type', render: (type: PolicyType) => <PolicyTypeTag type={type} /> },
    { title: t('ram.policies.description'), dataIndex: 'Description', key: 'description', ellipsis: true },
    { title: t('ram.attach.attachDate'), dataIndex: 'AttachDate', key: 'date', render: (v: string) => formatTime(v, i18n.language) },
    {
      title: t('ram.common.actions'),
      key: 'actions',
      render: (_: unknown, row) => (
        <Popconfirm
          title={t('ram.attach.detachConfirm', { name: row.PolicyName })}
          okText={t('ram.attach.detach')}
          okButtonProps={{ danger: true }}
          cancelText={t('common.cancel')}
          onConfirm={() => void run(`DetachPolicyFrom${principal}`, { PolicyType: row.PolicyType, PolicyName: row.PolicyName }, 'ram.attach.detachedToast')}
        >
          <Button size="small" danger data-testid={`detach-policy-${row.PolicyName}`}>
            {t('ram.attach.detach')}
          </Button>
        </Popconfirm>
      ),
    },
  ];

  return (
    <>
      <Space style={{ marginBottom: 12 }} wrap>
        <PolicySelect value={picked} onChange={setPicked} exclude={attached} />
        <Button
          type="primary"
          disabled={picked === undefined}
          loading={busy}
          data-testid="attach-policy"
          onClick={() => picked && void run(`AttachPolicyTo${principal}`, parsePolicyKey(picked), 'ram.attach.attachedToast')}
        >
          {t('ram.attach.attach')}
        </Button>
      </Space>
      <Table<AttachedPolicy>
        rowKey={(p) => policyKey(p.PolicyType, p.PolicyName)}
        size="small"
        columns={columns}
        dataSource={data}
        loading={loading}
        pagination={false}
        data-testid="attached-policies"
      />
    </>
  );
}
