import { App, Button, Drawer, Input, Modal, Space, Table, Typography, type TableColumnsType } from 'antd';
import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { callAction } from '../../api/client.js';
import { useApiErrorHandler } from '../../components/use-api-error.js';
import { STATUS, type CheckWarning, type CheckWarningsResponse, type WarningMachine, type WarningMachinesResponse, type WarningSummary } from './baseline-api.js';
import { CheckDetail } from './CheckDetail.js';
import { LevelTag, StatusTag } from './LevelTag.js';

/** One risk: the hosts it was checked on, and the checks of the chosen host with verify / ignore / fix. */
export function RiskDrawer({ risk, onClose, onChanged }: { risk: WarningSummary | undefined; onClose: () => void; onChanged: () => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const onError = useApiErrorHandler();
  const [machines, setMachines] = useState<WarningMachine[]>([]);
  const [uuid, setUuid] = useState<string | undefined>();
  const [checks, setChecks] = useState<CheckWarning[]>([]);
  const [loading, setLoading] = useState(false);
  const [ignoring, setIgnoring] = useState<CheckWarning | undefined>();
  const [reason, setReason] = useState('');

  useEffect(() => {
    setMachines([]);
    setUuid(undefined);
    setChecks([]);
    if (!risk) return;
    callAction<WarningMachinesResponse>('DescribeWarningMachines', { RiskId: risk.RiskId, PageSize: 100 }).then(
      (r) => {
        setMachines(r.WarningMachines);
        setUuid(r.WarningMachines[0]?.Uuid);
      },
      (e: unknown) => onError(e),
    );
  }, [risk, onError]);

  const loadChecks = useCallback(async () => {
    if (!risk || !uuid) return;
    setLoading(true);
    try {
      setChecks((await callAction<CheckWarningsResponse>('DescribeCheckWarnings', { Uuid: uuid, RiskId: risk.RiskId, PageSize: 500 })).CheckWarnings);
    } catch (e) {
      onError(e);
    } finally {
      setLoading(false);
    }
  }, [risk, uuid, onError]);

  useEffect(() => {
    void loadChecks();
  }, [loadChecks]);

  async function act(run: () => Promise<unknown>, toastKey: string) {
    try {
      await run();
      void message.success(t(toastKey));
      await loadChecks();
      onChanged();
    } catch (e) {
      onError(e);
    }
  }

  const verify = (w: CheckWarning) => void act(() => callAction('ValidateHcWarnings', { RiskIds: String(risk?.RiskId), CheckIds: String(w.CheckId), Uuids: w.Uuid }), 'baseline.verifyStarted');
  const unignore = (w: CheckWarning) => void act(() => callAction('IgnoreHcCheckWarnings', { CheckWarningIds: String(w.CheckWarningId), Type: 2 }), 'baseline.unignored');
  const fix = (w: CheckWarning) => void act(() => callAction('FixCheckWarnings', { CheckParams: JSON.stringify([{ checkId: w.CheckId }]), RiskId: risk?.RiskId, Uuids: w.Uuid }), 'baseline.fixStarted');

  const machineColumns: TableColumnsType<WarningMachine> = [
    { title: t('baseline.host'), key: 'host', render: (_v, m) => `${m.InstanceName} ${m.IntranetIp || m.InternetIp}` },
    { title: t('baseline.failedChecks'), key: 'failed', render: (_v, m) => m.HighWarningCount + m.MediumWarningCount + m.LowWarningCount },
    { title: t('baseline.passCount'), dataIndex: 'PassCount' },
  ];
  const checkColumns: TableColumnsType<CheckWarning> = [
    { title: t('baseline.item'), dataIndex: 'Item' },
    { title: t('baseline.levelTitle'), dataIndex: 'Level', width: 90, render: (l: string) => <LevelTag level={l} /> },
    { title: t('baseline.statusTitle'), dataIndex: 'Status', width: 100, render: (s: number) => <StatusTag status={s} /> },
    {
      title: t('baseline.actions'),
      key: 'actions',
      width: 200,
      render: (_v, w) => (
        <Space size="small">
          {w.Status === STATUS.failed || w.Status === STATUS.ignored ? (
            <Button size="small" type="link" onClick={() => verify(w)} data-testid={`baseline-verify-${w.CheckWarningId}`}>
              {t('baseline.verify')}
            </Button>
          ) : null}
          {w.Status === STATUS.failed ? (
            <Button size="small" type="link" onClick={() => setIgnoring(w)} data-testid={`baseline-ignore-${w.CheckWarningId}`}>
              {t('baseline.ignore')}
            </Button>
          ) : null}
          {w.Status === STATUS.ignored ? (
            <Button size="small" type="link" onClick={() => unignore(w)} data-testid={`baseline-unignore-${w.CheckWarningId}`}>
              {t('baseline.unignore')}
            </Button>
          ) : null}
        </Space>
      ),
    },
  ];

  return (
    <Drawer open={risk !== undefined} onClose={onClose} width={900} title={risk?.RiskName} destroyOnHidden data-testid="baseline-drawer">
      <Typography.Title level={5}>{t('baseline.machines')}</Typography.Title>
      <Table<WarningMachine>
        rowKey="Uuid"
        size="small"
        pagination={false}
        columns={machineColumns}
        dataSource={machines}
        rowSelection={{ type: 'radio', selectedRowKeys: uuid ? [uuid] : [], onChange: (keys) => setUuid(String(keys[0])) }}
        data-testid="baseline-machines"
      />
      <Typography.Title level={5} style={{ marginTop: 16 }}>
        {t('baseline.checks')}
      </Typography.Title>
      <Table<CheckWarning>
        rowKey="CheckWarningId"
        size="small"
        loading={loading}
        pagination={false}
        columns={checkColumns}
        dataSource={checks}
        expandable={{ expandedRowRender: (w) => <CheckDetail warningId={w.CheckWarningId} onFix={() => fix(w)} /> }}
        data-testid="baseline-checks"
      />
      <Modal
        open={ignoring !== undefined}
        title={t('baseline.ignoreTitle')}
        onCancel={() => setIgnoring(undefined)}
        okButtonProps={{ 'data-testid': 'baseline-ignore-ok' } as Record<string, string>}
        onOk={() => {
          const w = ignoring;
          setIgnoring(undefined);
          if (w) void act(() => callAction('IgnoreHcCheckWarnings', { CheckWarningIds: String(w.CheckWarningId), Type: 1, Reason: reason }), 'baseline.ignored');
          setReason('');
        }}
      >
        <Input.TextArea value={reason} onChange={(e) => setReason(e.target.value)} placeholder={t('baseline.ignoreReasonPlaceholder')} maxLength={1024} data-testid="baseline-ignore-reason" />
      </Modal>
    </Drawer>
  );
}
