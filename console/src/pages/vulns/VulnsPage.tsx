import { DownloadOutlined, ReloadOutlined, ScanOutlined, SettingOutlined } from '@ant-design/icons';
import { App, Button, Input, Popconfirm, Select, Space, Table, Tag, Typography, type TableColumnsType } from 'antd';
import { useCallback, useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { callAction } from '../../api/client.js';
import { PageHeader } from '../../components/PageHeader.js';
import { useApiErrorHandler } from '../../components/use-api-error.js';
import { NECESSITY_COLORS, type GroupedVul, type VulFilters } from './vul-api.js';
import { VulHostRows } from './VulHostRows.js';
import { VulSettingsDrawer } from './VulSettingsDrawer.js';

/** 漏洞修复 Vulnerabilities: advisories with urgency counts and tags; expand a row for its hosts. */
export function VulnsPage() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const onError = useApiErrorHandler();
  const [rows, setRows] = useState<GroupedVul[]>([]);
  const [total, setTotal] = useState(0);
  const [page, setPage] = useState({ current: 1, size: 20 });
  const [filters, setFilters] = useState<VulFilters>({ type: 'cve', necessity: '', dealed: 'n' });
  const [loading, setLoading] = useState(false);
  const [scanning, setScanning] = useState(false);
  const [drawer, setDrawer] = useState(false);
  const [wlReason, setWlReason] = useState('');
  const [exporting, setExporting] = useState(false);
  const [exportLink, setExportLink] = useState<{ link: string; name: string } | null>(null);
  const generation = useRef(0);

  const load = useCallback(async () => {
    const mine = ++generation.current;
    setLoading(true);
    try {
      const r = await callAction<{ GroupedVulItems: GroupedVul[]; TotalCount: number }>('DescribeGroupedVul', {
        Type: filters.type,
        CurrentPage: page.current,
        PageSize: page.size,
        ...(filters.necessity ? { Necessity: filters.necessity } : {}),
        ...(filters.dealed ? { Dealed: filters.dealed } : {}),
      });
      if (mine !== generation.current) return;
      setRows(r.GroupedVulItems);
      setTotal(r.TotalCount);
    } catch (error) {
      if (mine === generation.current) onError(error);
    } finally {
      if (mine === generation.current) setLoading(false);
    }
  }, [page, filters, onError]);

  useEffect(() => {
    void load();
  }, [load]);

  const scan = async () => {
    setScanning(true);
    try {
      await callAction('ModifyStartVulScan', {});
      void message.success(t('vulns.scanDone'));
      await load();
    } catch (error) {
      onError(error);
    } finally {
      setScanning(false);
    }
  };

  const whitelist = async (g: GroupedVul) => {
    try {
      await callAction('ModifyCreateVulWhitelist', { Whitelist: JSON.stringify([{ Name: g.Name, Type: filters.type, AliasName: g.AliasName }]), Reason: wlReason });
      void message.success(t('vulns.whitelistAdded', { name: g.Name }));
      setWlReason('');
      await load();
    } catch (error) {
      onError(error);
    }
  };

  /** ExportVul with the list's filters, then DescribeVulExportInfo until the file is ready. */
  const exportList = async () => {
    setExporting(true);
    setExportLink(null);
    try {
      const job = await callAction<{ Id: number }>('ExportVul', { Type: filters.type, ...(filters.necessity ? { Necessity: filters.necessity } : {}), ...(filters.dealed ? { Dealed: filters.dealed } : {}) });
      for (let i = 0; i < 120; i++) {
        const info = await callAction<{ ExportStatus: string; Link: string; FileName: string; Message: string }>('DescribeVulExportInfo', { ExportId: job.Id });
        if (info.ExportStatus === 'success') {
          setExportLink({ link: info.Link, name: info.FileName });
          return;
        }
        if (info.ExportStatus === 'failed') throw new Error(info.Message || 'export failed');
        await new Promise((r) => setTimeout(r, 500));
      }
    } catch (error) {
      onError(error);
    } finally {
      setExporting(false);
    }
  };

  const count = (n: number, level: string) => (n > 0 ? <Tag color={NECESSITY_COLORS[level]}>{n}</Tag> : <Typography.Text type="secondary">0</Typography.Text>);
  const columns: TableColumnsType<GroupedVul> = [
    {
      title: t('vulns.advisory'),
      key: 'name',
      render: (_: unknown, g) => (
        <Space direction="vertical" size={0}>
          <Typography.Text strong data-testid={`vul-group-${g.Name}`}>
            {g.Name}
          </Typography.Text>
          <Typography.Text type="secondary">{g.AliasName}</Typography.Text>
        </Space>
      ),
    },
    { title: t('vulns.severity'), key: 'level', render: (_: unknown, g) => `${g.Level}${g.CvssScore ? ` (CVSS ${g.CvssScore})` : ''}` },
    { title: t('vulns.cves'), key: 'cves', render: (_: unknown, g) => (g.Related ? g.Related.split(',').slice(0, 3).join(', ') + (g.Related.split(',').length > 3 ? ' …' : '') : '-') },
    { title: t('vulns.tags'), key: 'tags', render: (_: unknown, g) => (g.Tags ? g.Tags.split(',').map((x) => <Tag key={x}>{t(`vulns.tag.${x}`, { defaultValue: x })}</Tag>) : '-') },
    { title: t('vulns.necessity.asap'), key: 'asap', render: (_: unknown, g) => <span data-testid={`vul-asap-${g.Name}`}>{count(g.AsapCount, 'asap')}</span> },
    { title: t('vulns.necessity.later'), key: 'later', render: (_: unknown, g) => <span data-testid={`vul-later-${g.Name}`}>{count(g.LaterCount, 'later')}</span> },
    { title: t('vulns.necessity.nntf'), key: 'nntf', render: (_: unknown, g) => count(g.NntfCount, 'nntf') },
    { title: t('vulns.handled'), key: 'handled', render: (_: unknown, g) => <span data-testid={`vul-handled-${g.Name}`}>{g.HandledCount}</span> },
    {
      title: t('vulns.actions'),
      key: 'actions',
      render: (_: unknown, g) => (
        <Popconfirm
          title={t('vulns.whitelistTitle')}
          description={<Input placeholder={t('vulns.reason')} value={wlReason} onChange={(e) => setWlReason(e.target.value)} data-testid="vul-whitelist-reason" />}
          onConfirm={() => void whitelist(g)}
          okButtonProps={{ 'data-testid': 'vul-whitelist-confirm' } as Record<`data-${string}`, string>}
        >
          <Button size="small" onClick={(e) => e.stopPropagation()} data-testid={`vul-whitelist-${g.Name}`}>
            {t('vulns.addWhitelist')}
          </Button>
        </Popconfirm>
      ),
    },
  ];

  return (
    <>
      <PageHeader
        title={t('vulns.title')}
        intro={t('vulns.intro')}
        extra={
          <Space>
            <Button icon={<ReloadOutlined />} onClick={() => void load()} data-testid="vulns-refresh">
              {t('common.refresh')}
            </Button>
            <Button icon={<SettingOutlined />} onClick={() => setDrawer(true)} data-testid="vulns-settings">
              {t('vulns.whitelistSettings')}
            </Button>
            <Button icon={<DownloadOutlined />} loading={exporting} onClick={() => void exportList()} data-testid="vulns-export">
              {t('vulns.export')}
            </Button>
            <Button type="primary" icon={<ScanOutlined />} loading={scanning} onClick={() => void scan()} data-testid="vulns-scan">
              {t('vulns.scan')}
            </Button>
          </Space>
        }
      />
      <VulSettingsDrawer open={drawer} onClose={() => setDrawer(false)} onChanged={() => void load()} />
      {exportLink ? (
        <Typography.Paragraph>
          {t('vulns.exportReady')}{' '}
          <a href={exportLink.link} download={exportLink.name} data-testid="vulns-export-link">
            {exportLink.name}
          </a>
        </Typography.Paragraph>
      ) : null}
      <Space style={{ marginBottom: 12 }} wrap>
        <Select
          style={{ width: 200 }}
          value={filters.type}
          onChange={(v: VulFilters['type']) => {
            setFilters((f) => ({ ...f, type: v }));
            setPage((p) => ({ ...p, current: 1 }));
          }}
          options={[
            { value: 'cve', label: t('vulns.types.cve') },
            { value: 'app', label: t('vulns.types.app') },
            { value: 'cms', label: t('vulns.types.cms') },
          ]}
          data-testid="vulns-filter-type"
        />
        <Select
          style={{ width: 200 }}
          value={filters.necessity}
          onChange={(v: string) => {
            setFilters((f) => ({ ...f, necessity: v }));
            setPage((p) => ({ ...p, current: 1 }));
          }}
          options={[
            { value: '', label: t('vulns.allUrgencies') },
            { value: 'asap', label: t('vulns.necessity.asap') },
            { value: 'later', label: t('vulns.necessity.later') },
            { value: 'nntf', label: t('vulns.necessity.nntf') },
          ]}
          data-testid="vulns-filter-necessity"
        />
        <Select
          style={{ width: 200 }}
          value={filters.dealed}
          onChange={(v: string) => {
            setFilters((f) => ({ ...f, dealed: v }));
            setPage((p) => ({ ...p, current: 1 }));
          }}
          options={[
            { value: 'n', label: t('vulns.dealedN') },
            { value: 'y', label: t('vulns.dealedY') },
            { value: '', label: t('vulns.dealedAll') },
          ]}
          data-testid="vulns-filter-dealed"
        />
      </Space>
      <Table<GroupedVul>
        rowKey="Name"
        columns={columns}
        dataSource={rows}
        loading={loading}
        expandable={{ expandedRowRender: (g) => <VulHostRows name={g.Name} filters={filters} onChanged={() => void load()} /> }}
        pagination={{ current: page.current, pageSize: page.size, total, showSizeChanger: true, showTotal: (n) => t('vulns.total', { count: n }), onChange: (current, size) => setPage({ current, size }) }}
        scroll={{ x: 'max-content' }}
        data-testid="vulns-table"
      />
    </>
  );
}
