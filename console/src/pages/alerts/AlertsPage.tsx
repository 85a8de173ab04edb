import { ReloadOutlined } from '@ant-design/icons';
import { App, Button, Card, Select, Space, Table } from 'antd';
import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { callAction } from '../../api/client.js';
import { PageHeader } from '../../components/PageHeader.js';
import { useApiErrorHandler } from '../../components/use-api-error.js';
import { STATUS_CODES, type SuspEvent, type SuspEventList } from './alert-api.js';
import { alertName } from './alert-names.js';
import { AlertDetailDrawer } from './AlertDetailDrawer.js';
import { AlertLevelTag, AlertStatusTag } from './AlertTags.js';
import { HandleAlertModal } from './HandleAlertModal.js';

const PAGE_SIZE = 20;

function time(ms: number): string {
  return ms ? new Date(ms).toLocaleString() : '—';
}

/** 安全告警处理 / Alerts: aggregated alerts with filters, detail and handling. */
export function AlertsPage() {
  const { t, i18n } = useTranslation();
  const { message } = App.useApp();
  const onError = useApiErrorHandler();
  const [data, setData] = useState<SuspEventList>({ TotalCount: 0, SuspEvents: [] });
  const [page, setPage] = useState(1);
  const [level, setLevel] = useState('');
  const [status, setStatus] = useState('');
  const [loading, setLoading] = useState(false);
  const [detailId, setDetailId] = useState<number | undefined>();
  const [handling, setHandling] = useState<SuspEvent | undefined>();

  const refresh = useCallback(async () => {
    setLoading(true);
    try {
      setData(
        await callAction<SuspEventList>('DescribeSuspEvents', {
          CurrentPage: String(page),
          PageSize: String(PAGE_SIZE),
          ...(level ? { Levels: level } : {}),
          ...(status ? { Status: status } : {}),
        }),
      );
    } catch (error) {
      onError(error);
    } finally {
      setLoading(false);
    }
  }, [onError, page, level, status]);

  useEffect(() => {
    void refresh();
  }, [refresh]);

  const detail = data.SuspEvents.find((e) => e.Id === detailId);

  return (
    <>
      <PageHeader
        title={t('alerts.title')}
        intro={t('alerts.intro')}
        extra={
          <Button icon={<ReloadOutlined />} onClick={() => void refresh()} loading={loading} data-testid="alerts-refresh">
            {t('common.refresh')}
          </Button>
        }
      />
      <Card
        extra={
          <Space>
            <Select
              style={{ width: 140 }}
              value={level}
              data-testid="alerts-level-filter"
              onChange={(v) => {
                setPage(1);
                setLevel(v);
              }}
              options={[{ value: '', label: t('alerts.allLevels') }, ...(['serious', 'suspicious', 'remind'] as const).map((l) => ({ value: l, label: t(`alerts.levels.${l}`) }))]}
            />
            <Select
              style={{ width: 160 }}
              value={status}
              data-testid="alerts-status-filter"
              onChange={(v) => {
                setPage(1);
                setStatus(v);
              }}
              options={[{ value: '', label: t('alerts.allStatuses') }, ...STATUS_CODES.map((s) => ({ value: String(s), label: t(`alerts.statuses.s${s}`) }))]}
            />
          </Space>
        }
      >
        <Table<SuspEvent>
          rowKey="Id"
          loading={loading}
          dataSource={data.SuspEvents}
          data-testid="alerts-table"
          pagination={{ current: page, pageSize: PAGE_SIZE, total: data.TotalCount, onChange: setPage, showSizeChanger: false }}
          columns={[
            { title: t('alerts.level'), dataIndex: 'Level', render: (l: SuspEvent['Level']) => <AlertLevelTag level={l} /> },
            { title: t('alerts.name'), key: 'name', render: (_: unknown, e) => <a onClick={() => setDetailId(e.Id)} data-testid={`alert-open-${e.Id}`}>{alertName(e.Name, i18n.language)}</a> },
            { title: t('alerts.host'), key: 'host', render: (_: unknown, e) => `${e.InstanceName || e.Uuid.slice(0, 8)} ${e.IntranetIp}` },
            { title: t('alerts.firstTime'), dataIndex: 'OccurrenceTimeStamp', render: time },
            { title: t('alerts.lastTime'), dataIndex: 'LastTimeStamp', render: time },
            { title: t('alerts.count'), dataIndex: 'Count' },
            { title: t('alerts.status'), dataIndex: 'EventStatus', render: (s: number) => <AlertStatusTag status={s} /> },
            {
              title: '',
              key: 'ops',
              render: (_: unknown, e) =>
                e.EventStatus === 1 ? (
                  <Button size="small" type="link" onClick={() => setHandling(e)} data-testid={`alert-handle-${e.Id}`}>
                    {t('alerts.handleNow')}
                  </Button>
                ) : null,
            },
          ]}
        />
      </Card>
      <AlertDetailDrawer alert={detail} onClose={() => setDetailId(undefined)} onHandle={(a) => setHandling(a)} />
      <HandleAlertModal
        alert={handling}
        onClose={() => setHandling(undefined)}
        onDone={() => {
          setHandling(undefined);
          void message.success(t('alerts.handled'));
          void refresh();
        }}
      />
    </>
  );
}
