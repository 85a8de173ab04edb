import { DownloadOutlined, ReloadOutlined } from '@ant-design/icons';
import { Button, Flex, Space, Typography } from 'antd';
import { useCallback, useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { callAction } from '../../api/client.js';
import type { AuditEvent, LookupEventsResponse } from '../../api/types.js';
import { PageHeader } from '../../components/PageHeader.js';
import { useApiErrorHandler } from '../../components/use-api-error.js';
import { downloadText } from '../../util/download.js';
import { auditEventsToCsv, auditEventsToJson } from './audit-export.js';
import { buildLookupParams, type AuditFilterValues } from './audit-query.js';
import { AuditFilters } from './AuditFilters.js';
import { AuditForwarding } from './AuditForwarding.js';
import { AuditTable } from './AuditTable.js';

function exportName(extension: string): string {
  return `vigil-audit-${new Date().toISOString().replace(/[:.]/g, '-')}.${extension}`;
}

export function AuditPage() {
  const { t } = useTranslation();
  const onError = useApiErrorHandler();
  const [events, setEvents] = useState<AuditEvent[]>([]);
  const [nextToken, setNextToken] = useState<string | undefined>();
  const [loading, setLoading] = useState(false);
  const [forwardingReload, setForwardingReload] = useState(0);
  const filtersRef = useRef<AuditFilterValues>({});
  // Guards against an older search's answer landing after a newer one.
  const generation = useRef(0);

  const load = useCallback(
    async (filters: AuditFilterValues, token: string | undefined) => {
      const mine = ++generation.current;
      setLoading(true);
      try {
        const response = await callAction<LookupEventsResponse>('LookupEvents', buildLookupParams(filters, token));
        if (mine !== generation.current) return;
        setEvents((previous) => (token ? [...previous, ...response.Events] : response.Events));
        setNextToken(response.NextToken || undefined);
      } catch (error) {
        if (mine === generation.current) onError(error);
      } finally {
        if (mine === generation.current) setLoading(false);
      }
    },
    [onError],
  );

  const search = useCallback(
    (filters: AuditFilterValues) => {
      filtersRef.current = filters;
      void load(filters, undefined);
    },
    [load],
  );

  useEffect(() => {
    search({});
  }, [search]);

  return (
    <>
      <PageHeader
        title={t('audit.title')}
        intro={t('audit.intro')}
        extra={
          <Space>
            <Button
              icon={<ReloadOutlined />}
              onClick={() => {
                search(filtersRef.current);
                setForwardingReload((n) => n + 1);
              }}
              data-testid="audit-refresh"
            >
              {t('common.refresh')}
            </Button>
            <Button
              icon={<DownloadOutlined />}
              disabled={events.length === 0}
              onClick={() => downloadText(exportName('csv'), auditEventsToCsv(events), 'text/csv;charset=utf-8')}
              data-testid="audit-export-csv"
            >
              {t('audit.exportCsv')}
            </Button>
            <Button
              icon={<DownloadOutlined />}
              disabled={events.length === 0}
              onClick={() => downloadText(exportName('json'), auditEventsToJson(events), 'application/json')}
              data-testid="audit-export-json"
            >
              {t('audit.exportJson')}
            </Button>
          </Space>
        }
      />
      <AuditFilters loading={loading} onSearch={search} />
      <AuditTable events={events} loading={loading} />
      <Flex justify="center" align="center" gap={16} style={{ marginTop: 16 }}>
        <Typography.Text type="secondary" data-testid="audit-loaded-count">
          {t('audit.loadedCount', { count: events.length })}
        </Typography.Text>
        {nextToken ? (
          <Button onClick={() => void load(filtersRef.current, nextToken)} loading={loading} data-testid="audit-load-more">
            {t('audit.loadMore')}
          </Button>
        ) : (
          <Typography.Text type="secondary">{t('audit.noMore')}</Typography.Text>
        )}
      </Flex>
      <AuditForwarding reloadKey={forwardingReload} />
    </>
  );
}
