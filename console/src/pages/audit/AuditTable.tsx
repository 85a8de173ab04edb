import { Table, Tag, Tooltip, type TableColumnsType } from 'antd';
import { useTranslation } from 'react-i18next';
import type { AuditDecision, AuditEvent } from '../../api/types.js';
import { formatTime } from '../../util/format-time.js';
import { AuditEventDetail } from './AuditEventDetail.js';

const DECISION_COLORS: Record<AuditDecision, string> = {
  Allow: 'green',
  ImplicitDeny: 'orange',
  ExplicitDeny: 'red',
  NotAuthenticated: 'default',
};

export function AuditTable({ events, loading }: { events: AuditEvent[]; loading: boolean }) {
  const { t, i18n } = useTranslation();
  const columns: TableColumnsType<AuditEvent> = [
    {
      title: t('audit.columnTime'),
      dataIndex: 'eventTime',
      key: 'time',
      render: (value: string) => formatTime(value, i18n.language),
    },
    { title: t('audit.columnEvent'), dataIndex: 'eventName', key: 'event' },
    { title: t('audit.columnUser'), key: 'user', render: (_: unknown, e) => e.userIdentity.userName },
    {
      title: t('audit.columnAccessKey'),
      key: 'accessKey',
      render: (_: unknown, e) => (e.userIdentity.accessKeyId ? <code>{e.userIdentity.accessKeyId}</code> : '-'),
    },
    { title: t('audit.columnSourceIp'), dataIndex: 'sourceIpAddress', key: 'ip' },
    {
      title: t('audit.columnResult'),
      key: 'result',
      render: (_: unknown, e) =>
        e.errorCode ? (
          <Tooltip title={e.errorMessage}>
            <Tag color="red">{e.errorCode}</Tag>
          </Tooltip>
        ) : (
          <Tag color="green">{t('audit.success')}</Tag>
        ),
    },
    {
      title: t('audit.columnDecision'),
      key: 'decision',
      render: (_: unknown, e) => (
        <Tag color={DECISION_COLORS[e.additionalEventData.Decision]}>{e.additionalEventData.Decision}</Tag>
      ),
    },
    {
      title: t('audit.columnLatency'),
      key: 'latency',
      align: 'right',
      render: (_: unknown, e) => t('audit.latencyMs', { value: Math.round(e.additionalEventData.LatencyMs * 10) / 10 }),
    },
  ];
  return (
    <Table<AuditEvent>
      rowKey="eventId"
      size="middle"
      columns={columns}
      dataSource={events}
      loading={loading}
      expandable={{ expandedRowRender: (event) => <AuditEventDetail event={event} /> }}
      pagination={{ defaultPageSize: 20, showSizeChanger: true, hideOnSinglePage: true }}
      scroll={{ x: 'max-content' }}
      data-testid="audit-table"
    />
  );
}
