import { Card, Table, Tag, Tooltip, Typography, type TableColumnsType } from 'antd';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError, callAction } from '../../api/client.js';
import { useApiErrorHandler } from '../../components/use-api-error.js';
import { formatTime } from '../../util/format-time.js';

/** One row of `DescribeAuditForwarding` (Vigil extension). */
export interface ForwardingTarget {
  Kind: string;
  Target: string;
  Sent: number;
  Failures: number;
  Dropped: number;
  Queued: number;
  LastSuccessTime: string;
  LastFailureTime: string;
  LastError: string;
}

type Health = 'healthy' | 'failing' | 'pending';

/** Failing when the latest attempt failed; pending before any attempt. */
export function targetHealth(t: ForwardingTarget): Health {
  if (!t.LastSuccessTime && !t.LastFailureTime) return 'pending';
  if (!t.LastFailureTime) return 'healthy';
  if (!t.LastSuccessTime) return 'failing';
  return Date.parse(t.LastSuccessTime) >= Date.parse(t.LastFailureTime) ? 'healthy' : 'failing';
}

const HEALTH_COLORS: Record<Health, string> = { healthy: 'green', failing: 'red', pending: 'default' };

/** Where the audit trail is forwarded (syslog, webhook) and how that is going; reloads on `reloadKey`. */
export function AuditForwarding({ reloadKey }: { reloadKey: number }) {
  const { t, i18n } = useTranslation();
  const onError = useApiErrorHandler();
  const [targets, setTargets] = useState<ForwardingTarget[] | undefined>();
  // A user allowed to read the trail but not its forwarding health sees the page without the panel.
  const [denied, setDenied] = useState(false);

  useEffect(() => {
    let live = true;
    callAction<{ Targets: ForwardingTarget[] }>('DescribeAuditForwarding', {})
      .then((r) => live && setTargets(r.Targets))
      .catch((error: unknown) => {
        if (!live) return;
        if (error instanceof ApiError && error.code === 'NoPermission') setDenied(true);
        else onError(error);
      });
    return () => {
      live = false;
    };
  }, [reloadKey, onError]);

  const columns: TableColumnsType<ForwardingTarget> = [
    { title: t('auditForwarding.kind'), dataIndex: 'Kind', key: 'kind', render: (v: string) => <Tag>{v}</Tag> },
    { title: t('auditForwarding.target'), dataIndex: 'Target', key: 'target', render: (v: string) => <code>{v}</code> },
    {
      title: t('auditForwarding.health'),
      key: 'health',
      render: (_: unknown, row) => {
        const h = targetHealth(row);
        const tag = (
          <Tag color={HEALTH_COLORS[h]} data-testid={`audit-forwarding-health-${row.Kind}`}>
            {t(`auditForwarding.health_${h}`)}
          </Tag>
        );
        return row.LastError && h === 'failing' ? <Tooltip title={row.LastError}>{tag}</Tooltip> : tag;
      },
    },
    { title: t('auditForwarding.sent'), dataIndex: 'Sent', key: 'sent' },
    { title: t('auditForwarding.failures'), dataIndex: 'Failures', key: 'failures' },
    { title: t('auditForwarding.dropped'), dataIndex: 'Dropped', key: 'dropped', render: (v: number) => <span data-testid="audit-forwarding-dropped">{v}</span> },
    { title: t('auditForwarding.queued'), dataIndex: 'Queued', key: 'queued' },
    { title: t('auditForwarding.lastSuccess'), dataIndex: 'LastSuccessTime', key: 'ok', render: (v: string) => formatTime(v, i18n.language) || '-' },
    { title: t('auditForwarding.lastError'), dataIndex: 'LastError', key: 'err', render: (v: string) => <Typography.Text type="secondary">{v || '-'}</Typography.Text> },
  ];

  if (denied) return null;
  return (
    <Card size="small" title={t('auditForwarding.title')} style={{ marginTop: 16 }} data-testid="audit-forwarding">
      {targets && targets.length === 0 ? (
        <Typography.Text type="secondary" data-testid="audit-forwarding-none">
          {t('auditForwarding.none')}
        </Typography.Text>
      ) : (
        <Table<ForwardingTarget>
          size="small"
          rowKey={(r) => `${r.Kind}:${r.Target}`}
          columns={columns}
          dataSource={targets ?? []}
          loading={targets === undefined}
          pagination={false}
          data-testid="audit-forwarding-table"
        />
      )}
    </Card>
  );
}
