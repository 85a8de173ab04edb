import { ReloadOutlined, SearchOutlined } from '@ant-design/icons';
import { Button, Card, Select, Space, Table, Tag } from 'antd';
import { useCallback, useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { callAction } from '../../api/client.js';
import { PageHeader } from '../../components/PageHeader.js';
import { useApiErrorHandler } from '../../components/use-api-error.js';
import { LEVEL_COLORS, type TraceReportResponse, type TraceTask } from './trace-api.js';
import { TraceReportView } from './TraceReportView.js';

interface Host {
  Uuid: string;
  InstanceName: string;
  IntranetIp: string;
  InternetIp: string;
  ClientStatus: string;
}

const STATUS_COLORS: Record<string, string> = { Processing: 'processing', Success: 'green', Failure: 'red', Expired: 'default' };

export function TracesPage() {
  const { t } = useTranslation();
  const onError = useApiErrorHandler();
  const [hosts, setHosts] = useState<Host[]>([]);
  const [uuid, setUuid] = useState<string | undefined>();
  const [tasks, setTasks] = useState<TraceTask[]>([]);
  const [taskId, setTaskId] = useState<string | undefined>();
  const [report, setReport] = useState<TraceReportResponse | undefined>();
  const [busy, setBusy] = useState(false);
  const poll = useRef<number | undefined>(undefined);

  useEffect(() => {
    callAction<{ Instances: Host[] }>('DescribeCloudCenterInstances', { PageSize: 100, CurrentPage: 1 })
      .then((r) => {
        setHosts(r.Instances);
        if (r.Instances.length === 1) setUuid(r.Instances[0]?.Uuid);
      })
      .catch(onError);
  }, [onError]);

  const loadTasks = useCallback(async () => {
    try {
      const r = await callAction<{ Tasks: TraceTask[] }>('DescribeIntrusionTraceTasks', { PageSize: 20, CurrentPage: 1, ...(uuid ? { Uuid: uuid } : {}) });
      setTasks(r.Tasks);
    } catch (error) {
      onError(error);
    }
  }, [onError, uuid]);

  useEffect(() => {
    void loadTasks();
  }, [loadTasks]);

  const loadReport = useCallback(
    async (id: string) => {
      window.clearTimeout(poll.current);
      try {
        const r = await callAction<TraceReportResponse>('DescribeIntrusionTraceReport', { TaskId: id });
        setReport(r);
        if (r.Task.Status === 'Processing') poll.current = window.setTimeout(() => void loadReport(id), 2000);
        else void loadTasks();
      } catch (error) {
        onError(error);
      }
    },
    [loadTasks, onError],
  );

  useEffect(() => () => window.clearTimeout(poll.current), []);

  async function run() {
    if (!uuid) return;
    setBusy(true);
    try {
      const r = await callAction<{ TaskId: string }>('CreateIntrusionTraceTask', { Uuid: uuid });
      setTaskId(r.TaskId);
      await loadReport(r.TaskId);
      await loadTasks();
    } catch (error) {
      onError(error);
    } finally {
      setBusy(false);
    }
  }

  return (
    <>
      <PageHeader title={t('traces.title')} intro={t('traces.intro')} />
      <Card style={{ marginBottom: 16 }}>
        <Space wrap>
          <Select
            showSearch
            optionFilterProp="label"
            style={{ minWidth: 320 }}
            placeholder={t('traces.pickHost')}
            value={uuid}
            onChange={setUuid}
            data-testid="traces-host"
            options={hosts.map((h) => ({ value: h.Uuid, label: `${h.InstanceName || h.Uuid} ${h.IntranetIp || h.InternetIp} (${h.ClientStatus})` }))}
          />
          <Button type="primary" icon={<SearchOutlined />} disabled={!uuid} loading={busy} onClick={() => void run()} data-testid="traces-run">
            {t('traces.run')}
          </Button>
          <Button icon={<ReloadOutlined />} onClick={() => void loadTasks()}>
            {t('common.refresh')}
          </Button>
        </Space>
      </Card>
      <Card title={t('traces.history')} style={{ marginBottom: 16 }} size="small">
        <Table<TraceTask>
          rowKey="TaskId"
          size="small"
          data-testid="traces-history"
          dataSource={tasks}
          pagination={false}
          rowClassName={(r) => (r.TaskId === taskId ? 'ant-table-row-selected' : '')}
          onRow={(r) => ({ onClick: () => { setTaskId(r.TaskId); void loadReport(r.TaskId); }, style: { cursor: 'pointer' } })}
          columns={[
            { title: t('traces.host'), key: 'host', render: (_: unknown, r) => r.InstanceName || r.Uuid },
            { title: t('traces.started'), dataIndex: 'CreateTime', render: (v: number) => new Date(v).toLocaleString() },
            { title: t('traces.status'), dataIndex: 'Status', render: (s: string) => <Tag color={STATUS_COLORS[s] ?? 'default'}>{t(`traces.statusName.${s}`, { defaultValue: s })}</Tag> },
            { title: t('traces.result'), key: 'level', render: (_: unknown, r) => (r.Level ? <Tag color={LEVEL_COLORS[r.Level] ?? 'default'}>{t(`traces.level.${r.Level}`)}</Tag> : '-') },
            { title: t('traces.counts'), key: 'counts', render: (_: unknown, r) => `${r.SeriousCount} / ${r.SuspiciousCount} / ${r.InfoCount}` },
          ]}
        />
      </Card>
      {report ? (
        <Card title={t('traces.report')} data-testid="trace-report">
          <TraceReportView data={report} />
        </Card>
      ) : null}
    </>
  );
}
