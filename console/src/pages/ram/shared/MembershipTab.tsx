import { App, Button, Popconfirm, Select, Space, Table, type TableColumnsType } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { callAction } from '../../../api/client.js';
import { useApiErrorHandler } from '../../../components/use-api-error.js';

interface Loaded<T> {
  data: T[];
  loading: boolean;
}

export interface MembershipTabProps<Row extends object> {
  /** Current memberships (one row each) and how to reload them. */
  rows: Loaded<Row> & { refresh: () => Promise<void> };
  /** Name of the other side of a row (the user of a group member, the group of a user's group). */
  nameOf: (row: Row) => string;
  /** Every name that could be added (members already in are left out of the picker). */
  candidates: Loaded<string>;
  /** AddUserToGroup / RemoveUserFromGroup params for one name. */
  paramsFor: (name: string) => { GroupName: string; UserName: string };
  columns: TableColumnsType<Row>;
  labels: { pick: string; add: string; added: string; removed: string; removeConfirm: (name: string) => string };
  testIds?: { select?: string; add?: string; table?: string };
}

/** A user↔group membership list with add and remove (used from both sides). */
export function MembershipTab<Row extends object>({ rows, nameOf, candidates, paramsFor, columns, labels, testIds = {} }: MembershipTabProps<Row>) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const onError = useApiErrorHandler();
  const [picked, setPicked] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);
  const current = new Set(rows.data.map(nameOf));

  async function run(action: 'AddUserToGroup' | 'RemoveUserFromGroup', name: string, toast: string) {
    setBusy(true);
    try {
      await callAction(action, paramsFor(name));
      void message.success(toast);
      setPicked(undefined);
      await rows.refresh();
    } catch (error) {
      onError(error);
    } finally {
      setBusy(false);
    }
  }

  const withActions: TableColumnsType<Row> = [
    ...columns,
    {
      title: t('ram.common.actions'),
      key: 'actions',
      render: (_: unknown, row) => (
        <Popconfirm
          title={labels.removeConfirm(nameOf(row))}
          okText={t('ram.common.remove')}
          okButtonProps={{ danger: true }}
          cancelText={t('common.cancel')}
          onConfirm={() => void run('RemoveUserFromGroup', nameOf(row), labels.removed)}
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
          placeholder={labels.pick}
          data-testid={testIds.select}
          value={picked}
          onChange={(v: string | undefined) => setPicked(v)}
          loading={candidates.loading}
          options={candidates.data.filter((n) => !current.has(n)).map((n) => ({ value: n, label: n }))}
        />
        <Button type="primary" disabled={picked === undefined} loading={busy} onClick={() => picked && void run('AddUserToGroup', picked, labels.added)} data-testid={testIds.add}>
          {labels.add}
        </Button>
      </Space>
      <Table<Row> rowKey={(r) => nameOf(r)} size="small" data-testid={testIds.table} columns={withActions} dataSource={rows.data} loading={rows.loading} pagination={false} />
    </>
  );
}
