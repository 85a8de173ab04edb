import { ReloadOutlined, UnlockOutlined } from '@ant-design/icons';
import { App, Button, Popconfirm, Space, Table, Tag, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { callAction } from '../../api/client.js';
import { useApiErrorHandler } from '../../components/use-api-error.js';
import { useActionData } from '../../components/use-action-data.js';
import type { BlockRecord } from './bruteforce-api.js';

const STATUS_COLOR: Record<number, string> = { 0: 'default', 1: 'red', 2: 'orange' };

/** Sources blocked by the rules (DescribeBruteForceRecords), with unblock (DisableBruteForceRecord). */
export function BlockedTab() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const onError = useApiErrorHandler();
  const { data: rows, loading, refresh } = useActionData<{ MachineList: BlockRecord[] }, BlockRecord[]>('DescribeBruteForceRecords', { CurrentPage: 1, PageSize: 100 }, (r) => r.MachineList, []);
  const [busy, setBusy] = useState<number | undefined>();

  async function unblock(r: BlockRecord) {
    setBusy(r.Id);
    try {
      await callAction('DisableBruteForceRecord', { BlockIp: r.BlockIp, Uuid: r.Uuid });
      void message.success(t('bruteForce.unblocked', { ip: r.BlockIp }));
      await refresh();
    } catch (error) {
      onError(error);
    } finally {
      setBusy(undefined);
    }
  }

  return (
    <>
      <Space style={{ marginBottom: 12 }}>
        <Button icon={<ReloadOutlined />} onClick={() => void refresh()} data-testid="bf-blocked-refresh">
          {t('common.refresh')}
        </Button>
      </Space>
      <Table<BlockRecord>
        rowKey="Id"
        loading={loading}
        dataSource={rows}
        pagination={{ pageSize: 20 }}
        data-testid="bf-blocked"
        columns={[
          { title: t('bruteForce.blockIp'), dataIndex: 'BlockIp', render: (v: string) => <Typography.Text code>{v}</Typography.Text> },
          { title: t('bruteForce.host'), key: 'host', render: (_: unknown, r) => r.InstanceName || r.Uuid.slice(0, 8) },
          {
            title: t('bruteForce.status'),
            dataIndex: 'Status',
            render: (v: number, r) => (
              <span title={r.ErrorCode}>
                <Tag color={STATUS_COLOR[v]} data-testid="bf-status">{t(`bruteForce.statuses.${v}`, { defaultValue: String(v) })}</Tag>
              </span>
            ),
          },
          { title: t('bruteForce.reason'), dataIndex: 'Reason', render: (v: string, r) => `${v}${r.RuleName ? ` (${r.RuleName})` : ''}` },
          { title: t('bruteForce.until'), dataIndex: 'BlockExpireDate', render: (v: number) => new Date(v).toLocaleString() },
          {
            title: '',
            key: 'ops',
            render: (_: unknown, r) =>
              r.Status === 1 ? (
                <Popconfirm title={t('bruteForce.unblockConfirm', { ip: r.BlockIp })} onConfirm={() => void unblock(r)}>
                  <Button size="small" icon={<UnlockOutlined />} loading={busy === r.Id} data-testid="bf-unblock">
                    {t('bruteForce.unblock')}
                  </Button>
                </Popconfirm>
              ) : null,
          },
        ]}
      />
    </>
  );
}
