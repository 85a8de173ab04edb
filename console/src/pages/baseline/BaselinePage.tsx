import { ReloadOutlined, ScanOutlined } from '@ant-design/icons';
import { App, Button, Segmented, Space, Table, Tabs, type TableColumnsType } from 'antd';
import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { callAction } from '../../api/client.js';
import { PageHeader } from '../../components/PageHeader.js';
import { useApiErrorHandler } from '../../components/use-api-error.js';
import { STATUS, type WarningSummary, type WarningSummaryResponse } from './baseline-api.js';
import { LevelTag } from './LevelTag.js';
import { RiskDrawer } from './RiskDrawer.js';
import { StrategyPanel } from './StrategyPanel.js';
import { WeakSourcesPanel } from './WeakSourcesPanel.js';

/** 基线检查 Baseline: risks by policy with warning counts per level; drill into hosts and checks. */
export function BaselinePage() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const onError = useApiErrorHandler();
  const [risks, setRisks] = useState<WarningSummary[]>([]);
  const [status, setStatus] = useState<number>(STATUS.failed);
  const [loading, setLoading] = useState(false);
  const [checking, setChecking] = useState(false);
  const [open, setOpen] = useState<WarningSummary | undefined>();

  const refresh = useCallback(async () => {
    setLoading(true);
    try {
      setRisks((await callAction<WarningSummaryResponse>('DescribeCheckWarningSummary', { RiskStatus: status, PageSize: 500 })).WarningSummarys);
    } catch (e) {
      onError(e);
    } finally {
      setLoading(false);
    }
  }, [status, onError]);

  useEffect(() => {
    void refresh();
  }, [refresh]);

  async function checkNow() {
    setChecking(true);
    try {
      await callAction('ValidateHcWarnings', {});
      void message.success(t('baseline.checkStarted'));
    } catch (e) {
      onError(e);
    } finally {
      setChecking(false);
    }
  }

  const columns: TableColumnsType<WarningSummary> = [
    {
      title: t('baseline.riskName'),
      dataIndex: 'RiskName',
      render: (name: string, r) => (
        <Button type="link" style={{ padding: 0 }} onClick={() => setOpen(r)} data-testid={`baseline-open-${r.RiskId}`}>
          {name}
        </Button>
      ),
    },
    { title: t('baseline.type'), dataIndex: 'TypeAlias' },
    { title: t('baseline.levelTitle'), dataIndex: 'Level', render: (l: string) => <LevelTag level={l} /> },
    { title: t('baseline.checkCount'), dataIndex: 'CheckCount' },
    { title: t('baseline.machineCount'), dataIndex: 'WarningMachineCount' },
    { title: t('baseline.level.high'), dataIndex: 'HighWarningCount' },
    { title: t('baseline.level.medium'), dataIndex: 'MediumWarningCount' },
    { title: t('baseline.level.low'), dataIndex: 'LowWarningCount' },
    { title: t('baseline.lastFound'), dataIndex: 'LastFoundTime', render: (v: string) => new Date(v).toLocaleString() },
  ];

  return (
    <>
      <PageHeader
        title={t('baseline.title')}
        intro={t('baseline.intro')}
        extra={
          <Space>
            <Button icon={<ReloadOutlined />} onClick={() => void refresh()} loading={loading}>
              {t('common.refresh')}
            </Button>
            <Button type="primary" icon={<ScanOutlined />} loading={checking} onClick={() => void checkNow()} data-testid="baseline-check-now">
              {t('baseline.checkNow')}
            </Button>
          </Space>
        }
      />
      <Tabs
        data-testid="baseline-tabs"
        items={[
          {
            key: 'risks',
            label: t('baseline.tabRisks'),
            children: (
              <>
                <Segmented
                  style={{ marginBottom: 16 }}
                  value={status}
                  onChange={(v) => setStatus(Number(v))}
                  options={[
                    { label: t('baseline.status.failed'), value: STATUS.failed },
                    { label: t('baseline.status.ignored'), value: STATUS.ignored },
                    { label: t('baseline.status.passed'), value: STATUS.passed },
                  ]}
                  data-testid="baseline-status"
                />
                <Table<WarningSummary> rowKey="RiskId" loading={loading} columns={columns} dataSource={risks} pagination={{ pageSize: 20 }} data-testid="baseline-risks" />
              </>
            ),
          },
          { key: 'strategies', label: t('baseline.tabStrategies'), children: <StrategyPanel /> },
          { key: 'weak', label: t('baseline.tabWeakSources'), children: <WeakSourcesPanel /> },
        ]}
      />
      <RiskDrawer risk={open} onClose={() => setOpen(undefined)} onChanged={() => void refresh()} />
    </>
  );
}
