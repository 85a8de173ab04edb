import { Card, Table, Tag, Typography } from 'antd';
import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { callAction } from '../../api/client.js';
import { useApiErrorHandler } from '../../components/use-api-error.js';
import type { WebshellView } from '../../../../src/domain/leaks/webshell-service.js';

/** One row of DescribeWebshellList: the server's own view type (type-only import, erased from the bundle). */
export type WebshellItem = WebshellView;

const PAGE_SIZE = 20;
const CONFIDENCE_COLOR: Record<string, string> = { high: 'red', medium: 'orange', low: 'default' };

/** Webshell / web-trojan findings that agents reported (content scans of web roots). */
export function WebshellCard({ reloadKey }: { reloadKey: number }) {
  const { t } = useTranslation();
  const onError = useApiErrorHandler();
  const [items, setItems] = useState<WebshellItem[]>([]);
  const [total, setTotal] = useState(0);
  const [page, setPage] = useState(1);
  const [loading, setLoading] = useState(false);

  const refresh = useCallback(async () => {
    setLoading(true);
    try {
      const r = await callAction<{ TotalCount: number; WebshellList: WebshellItem[] }>('DescribeWebshellList', { CurrentPage: page, PageSize: PAGE_SIZE });
      setItems(r.WebshellList);
      setTotal(r.TotalCount);
    } catch (error) {
      onError(error);
    } finally {
      setLoading(false);
    }
  }, [onError, page]);

  useEffect(() => {
    void refresh();
  }, [refresh, reloadKey]);

  return (
    <Card title={t('webshells.title', { count: total })} style={{ marginTop: 16 }}>
      <Typography.Paragraph type="secondary">{t('webshells.intro')}</Typography.Paragraph>
      <Table<WebshellItem>
        rowKey="Id"
        size="small"
        loading={loading}
        dataSource={items}
        data-testid="webshells-table"
        pagination={{ current: page, pageSize: PAGE_SIZE, total, onChange: setPage, showSizeChanger: false }}
        columns={[
          { title: t('webshells.file'), dataIndex: 'FilePath', render: (p: string) => <Typography.Text code>{p}</Typography.Text> },
          { title: t('webshells.host'), dataIndex: 'Uuid' },
          { title: t('webshells.rule'), key: 'rule', render: (_: unknown, w) => <span title={w.Message}>{w.Rule}</span> },
          { title: t('webshells.confidence'), dataIndex: 'Confidence', render: (c: string) => <Tag color={CONFIDENCE_COLOR[c] ?? 'default'}>{t(`webshells.confidenceValues.${c}`, { defaultValue: c })}</Tag> },
          {
            title: t('webshells.evidence'),
            key: 'evidence',
            render: (_: unknown, w) => (
              <div>
                <div>{w.Message}</div>
                {w.Evidence.split('\n')
                  .filter(Boolean)
                  .map((line, i) => (
                    <div key={i}>
                      <Typography.Text code mark data-testid="webshell-evidence-hit" style={{ wordBreak: 'break-all' }}>
                        {line}
                      </Typography.Text>
                    </div>
                  ))}
              </div>
            ),
          },
          { title: t('webshells.trigger'), dataIndex: 'Trigger', render: (tr: string) => t(`webshells.triggerValues.${tr}`, { defaultValue: tr }) },
          { title: t('webshells.lastSeen'), dataIndex: 'LastSeenTime', render: (ms: number) => new Date(ms).toLocaleString() },
        ]}
      />
    </Card>
  );
}
