import { Table, Typography, type TableColumnsType } from 'antd';
import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { callAction } from '../../api/client.js';
import { useApiErrorHandler } from '../../components/use-api-error.js';
import { STATUS, WEAK_SOURCES, type CheckWarningsResponse, type WarningMachinesResponse, type WarningSummaryResponse } from './baseline-api.js';

interface Row {
  key: string;
  checkId: number;
  failed: number;
  checked: number;
}

/** 弱口令检测范围: every weak-password / open-service source the agent checks, with hosts failing it. */
export function WeakSourcesPanel() {
  const { t } = useTranslation();
  const onError = useApiErrorHandler();
  const [rows, setRows] = useState<Row[]>(WEAK_SOURCES.map((s) => ({ key: s.key, checkId: s.checkId, failed: 0, checked: 0 })));
  const [loading, setLoading] = useState(false);

  const refresh = useCallback(async () => {
    setLoading(true);
    try {
      const failed = new Map<number, number>();
      const checked = new Map<number, number>();
      // The weak-password checks belong to the vigil_weakpass risk, whatever its status.
      const riskIds = new Set<number>();
      for (const status of [STATUS.failed, STATUS.passed, STATUS.ignored]) {
        const s = await callAction<WarningSummaryResponse>('DescribeCheckWarningSummary', { RiskStatus: status, PageSize: 500 });
        for (const r of s.WarningSummarys) if (r.RiskName.startsWith('Vigil weak passwords')) riskIds.add(r.RiskId);
      }
      for (const riskId of riskIds) {
        const m = await callAction<WarningMachinesResponse>('DescribeWarningMachines', { RiskId: riskId, PageSize: 500 });
        for (const host of m.WarningMachines) {
          const w = await callAction<CheckWarningsResponse>('DescribeCheckWarnings', { Uuid: host.Uuid, RiskId: riskId, PageSize: 100 });
          for (const c of w.CheckWarnings) {
            checked.set(c.CheckId, (checked.get(c.CheckId) ?? 0) + 1);
            if (c.Status === STATUS.failed) failed.set(c.CheckId, (failed.get(c.CheckId) ?? 0) + 1);
          }
        }
      }
      setRows(WEAK_SOURCES.map((s) => ({ key: s.key, checkId: s.checkId, failed: failed.get(s.checkId) ?? 0, checked: checked.get(s.checkId) ?? 0 })));
    } catch (e) {
      onError(e);
    } finally {
      setLoading(false);
    }
  }, [onError]);

  useEffect(() => {
    void refresh();
  }, [refresh]);

  const columns: TableColumnsType<Row> = [
    { title: t('baseline.weak.source'), dataIndex: 'key', render: (k: string) => t(`baseline.weak.${k}`) },
    { title: t('baseline.weak.what'), key: 'what', render: (_v, r) => t(`baseline.weak.${r.key}What`) },
    { title: t('baseline.weak.failedHosts'), dataIndex: 'failed' },
    { title: t('baseline.weak.checkedHosts'), dataIndex: 'checked' },
  ];
  return (
    <>
      <Typography.Paragraph type="secondary">{t('baseline.weak.intro')}</Typography.Paragraph>
      <Table<Row> rowKey="key" loading={loading} columns={columns} dataSource={rows} pagination={false} data-testid="weak-sources" />
    </>
  );
}
