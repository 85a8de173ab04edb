import { ReloadOutlined, SyncOutlined } from '@ant-design/icons';
import { App, Button, Space, Table, Tag, Typography, type TableColumnsType } from 'antd';
import { useCallback, useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { callAction } from '../../api/client.js';
import { PageHeader } from '../../components/PageHeader.js';
import { useApiErrorHandler } from '../../components/use-api-error.js';
import { buildInstanceParams, type AssetFilters, type AssetGroup, type AssetInstance, type InstancesResponse } from './asset-api.js';
import { AssetBulkActions } from './AssetBulkActions.js';
import { AssetDetailDrawer } from './AssetDetailDrawer.js';
import { AssetSearchBar } from './AssetSearchBar.js';
import { StatusTag } from './StatusTag.js';

const IMPORTANCE_COLORS: Record<number, string> = { 2: 'red', 1: 'blue', 0: 'default' };

/** 资产中心 Assets: host list with criteria search, filters, paging, bulk edits and a detail drawer. */
export function AssetsPage() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const onError = useApiErrorHandler();
  const [rows, setRows] = useState<AssetInstance[]>([]);
  const [total, setTotal] = useState(0);
  const [page, setPage] = useState({ current: 1, size: 20 });
  const [groups, setGroups] = useState<AssetGroup[]>([]);
  const [selected, setSelected] = useState<string[]>([]);
  const [detail, setDetail] = useState<AssetInstance | null>(null);
  const [loading, setLoading] = useState(false);
  const [syncing, setSyncing] = useState(false);
  const filters = useRef<AssetFilters>({ field: 'instanceName', text: '', logicalExp: 'AND' });
  const generation = useRef(0);

  const load = useCallback(
    async (current: number, size: number) => {
      const mine = ++generation.current;
      setLoading(true);
      try {
        // Groups only label the table: a user allowed the host list but not DescribeAllGroups
        // (e.g. the seed's asset read-only policy) still gets the list.
        const [r, g] = await Promise.all([
          callAction<InstancesResponse>('DescribeCloudCenterInstances', buildInstanceParams(filters.current, current, size)),
          callAction<{ Groups: AssetGroup[] }>('DescribeAllGroups').catch(() => ({ Groups: [] as AssetGroup[] })),
        ]);
        if (mine !== generation.current) return;
        setRows(r.Instances);
        setTotal(r.PageInfo.TotalCount);
        setGroups(g.Groups);
        setSelected((prev) => prev.filter((u) => r.Instances.some((i) => i.Uuid === u)));
      } catch (error) {
        if (mine === generation.current) onError(error);
      } finally {
        if (mine === generation.current) setLoading(false);
      }
    },
    [onError],
  );

  useEffect(() => {
    void load(page.current, page.size);
  }, [load, page]);

  const sync = async () => {
    setSyncing(true);
    try {
      await callAction('RefreshAssets');
      void message.success(t('assets.syncRequested'));
    } catch (error) {
      onError(error);
    } finally {
      setSyncing(false);
    }
  };

  const columns: TableColumnsType<AssetInstance> = [
    {
      title: t('assets.columnName'),
      key: 'name',
      render: (_: unknown, a) => (
        <Space direction="vertical" size={0}>
          <Typography.Link onClick={() => setDetail(a)} data-testid={`asset-open-${a.Uuid}`}>
            {a.InstanceName}
          </Typography.Link>
          <Typography.Text type="secondary" style={{ fontSize: 12 }}>
            {a.Uuid}
          </Typography.Text>
        </Space>
      ),
    },
    { title: t('assets.columnIp'), key: 'ip', render: (_: unknown, a) => a.IpListString || a.IntranetIp || a.InternetIp || '-' },
    { title: t('assets.columnOs'), dataIndex: 'OsName', key: 'os' },
    { title: t('assets.columnStatus'), key: 'status', render: (_: unknown, a) => <StatusTag status={a.ClientStatus} /> },
    { title: t('assets.columnGroup'), dataIndex: 'GroupTrace', key: 'group' },
    { title: t('assets.columnTags'), key: 'tags', render: (_: unknown, a) => (a.Tag ? a.Tag.split(',').map((x) => <Tag key={x}>{x}</Tag>) : '-') },
    { title: t('assets.columnImportance'), key: 'importance', render: (_: unknown, a) => <Tag color={IMPORTANCE_COLORS[a.Importance]}>{t(`assets.importance.${a.Importance}`)}</Tag> },
  ];

  return (
    <>
      <PageHeader
        title={t('assets.title')}
        intro={t('assets.intro')}
        extra={
          <Space>
            <Button icon={<ReloadOutlined />} onClick={() => void load(page.current, page.size)} data-testid="assets-refresh">
              {t('common.refresh')}
            </Button>
            <Button type="primary" icon={<SyncOutlined />} loading={syncing} onClick={() => void sync()} data-testid="assets-sync">
              {t('assets.sync')}
            </Button>
          </Space>
        }
      />
      <AssetSearchBar
        groups={groups}
        loading={loading}
        onSearch={(f) => {
          filters.current = f;
          setPage((p) => ({ ...p, current: 1 }));
        }}
      />
      <div style={{ marginBottom: 12 }}>
        <AssetBulkActions uuids={selected} groups={groups} onDone={() => void load(page.current, page.size)} />
      </div>
      <Table<AssetInstance>
        rowKey="Uuid"
        columns={columns}
        dataSource={rows}
        loading={loading}
        rowSelection={{ selectedRowKeys: selected, onChange: (keys) => setSelected(keys.map(String)) }}
        pagination={{ current: page.current, pageSize: page.size, total, showSizeChanger: true, showTotal: (n) => t('assets.total', { count: n }), onChange: (current, size) => setPage({ current, size }) }}
        scroll={{ x: 'max-content' }}
        data-testid="assets-table"
      />
      <AssetDetailDrawer asset={detail} onClose={() => setDetail(null)} />
    </>
  );
}
