import { ReloadOutlined } from '@ant-design/icons';
import { App, Button, Card, Popconfirm, Select, Space, Table, Tag } from 'antd';
import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { callAction } from '../../api/client.js';
import { PageHeader } from '../../components/PageHeader.js';
import { useApiErrorHandler } from '../../components/use-api-error.js';
import { canDisable, type LeakDealType, type LeakItem, type LeakListResponse, type LeakSource } from './leak-api.js';
import { LeakDetailDrawer } from './LeakDetailDrawer.js';
import { LeakSourcesCard } from './LeakSourcesCard.js';
import { LeakStatusTag } from './LeakStatusTag.js';
import { WebshellCard } from './WebshellCard.js';

const PAGE_SIZE = 20;

export function LeaksPage() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const onError = useApiErrorHandler();
  const [sources, setSources] = useState<LeakSource[]>([]);
  const [leaks, setLeaks] = useState<LeakListResponse>({ TotalCount: 0, AkLeakCount: 0, AccessKeyLeakList: [] });
  const [page, setPage] = useState(1);
  const [status, setStatus] = useState<string>('');
  const [loading, setLoading] = useState(false);
  const [busy, setBusy] = useState<number | undefined>();
  const [detailId, setDetailId] = useState<number | undefined>();
  const [reloadKey, setReloadKey] = useState(0);

  const refresh = useCallback(async () => {
    setLoading(true);
    try {
      const [s, l] = await Promise.all([
        callAction<{ Sources: LeakSource[] }>('DescribeLeakScanSources', {}),
        callAction<LeakListResponse>('DescribeAccesskeyLeakList', { CurrentPage: page, PageSize: PAGE_SIZE, ...(status ? { Status: status } : {}) }),
      ]);
      setSources(s.Sources);
      setLeaks(l);
    } catch (error) {
      onError(error);
    } finally {
      setLoading(false);
    }
  }, [onError, page, status]);

  useEffect(() => {
    void refresh();
  }, [refresh]);

  async function deal(l: LeakItem, type: LeakDealType) {
    setBusy(l.Id);
    try {
      await callAction('ModifyAccessKeyLeakDeal', { Id: l.Id, Type: type });
      void message.success(t(`leaks.dealt.${type}`));
      await refresh();
    } catch (error) {
      onError(error);
    } finally {
      setBusy(undefined);
    }
  }

  return (
    <>
      <PageHeader
        title={t('leaks.title')}
        intro={t('leaks.intro')}
        extra={
          <Button
            icon={<ReloadOutlined />}
            onClick={() => {
              setReloadKey((k) => k + 1);
              void refresh();
            }}
            loading={loading}
          >
            {t('common.refresh')}
          </Button>
        }
      />
      <LeakSourcesCard sources={sources} loading={loading} onChanged={refresh} />
      <Card
        title={t('leaks.listTitle', { pending: leaks.AkLeakCount })}
        extra={
          <Select
            style={{ width: 160 }}
            value={status}
            onChange={(v) => {
              setPage(1);
              setStatus(v);
            }}
            options={[
              { value: '', label: t('leaks.allStatuses') },
              { value: 'pending', label: t('leaks.statusValues.pending') },
              { value: 'deal', label: t('leaks.handled') },
            ]}
          />
        }
      >
        <Table<LeakItem>
          rowKey="Id"
          loading={loading}
          dataSource={leaks.AccessKeyLeakList}
          data-testid="leaks-table"
          pagination={{ current: page, pageSize: PAGE_SIZE, total: leaks.TotalCount, onChange: setPage, showSizeChanger: false }}
          columns={[
            { title: t('leaks.accessKeyId'), key: 'key', render: (_: unknown, l) => <a onClick={() => setDetailId(l.Id)}>{l.AccesskeyId || `${l.Provider} / ${l.Type}`}</a> },
            { title: t('leaks.owner'), dataIndex: 'OwnerUserName', render: (u: string) => u || '—' },
            { title: t('leaks.tokenValid'), dataIndex: 'TokenValid', render: (v: number) => (v === 1 ? <Tag color="red">{t('leaks.valid')}</Tag> : <Tag>{t('leaks.invalid')}</Tag>) },
            { title: t('leaks.file'), key: 'file', render: (_: unknown, l) => `${l.InstanceName}: ${l.File}:${l.Line}` },
            { title: t('leaks.commit'), dataIndex: 'Commit', render: (c: string) => (c ? c.slice(0, 10) : '—') },
            { title: t('leaks.author'), dataIndex: 'Author', render: (a: string) => a || '—' },
            { title: t('leaks.status'), dataIndex: 'Status', render: (s: LeakItem['Status']) => <LeakStatusTag status={s} /> },
            {
              title: '',
              key: 'ops',
              render: (_: unknown, l) =>
                l.Status !== 'pending' ? null : (
                  <Space size="small">
                    {canDisable(l) ? (
                      <Popconfirm title={t('leaks.disableConfirm', { id: l.AccesskeyId, user: l.OwnerUserName })} onConfirm={() => void deal(l, 'disable')}>
                        <Button size="small" danger loading={busy === l.Id} data-testid={`leak-disable-${l.Id}`}>
                          {t('leaks.disable')}
                        </Button>
                      </Popconfirm>
                    ) : null}
                    <Button size="small" loading={busy === l.Id} onClick={() => void deal(l, 'add-whitelist')}>
                      {t('leaks.whitelist')}
                    </Button>
                    <Button size="small" loading={busy === l.Id} onClick={() => void deal(l, 'manual')}>
                      {t('leaks.markHandled')}
                    </Button>
                  </Space>
                ),
            },
          ]}
        />
      </Card>
      <WebshellCard reloadKey={reloadKey} />
      <LeakDetailDrawer id={detailId} onClose={() => setDetailId(undefined)} />
    </>
  );
}
