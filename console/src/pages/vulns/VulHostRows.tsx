import { App, Button, Input, Popconfirm, Space, Table, Tag, Typography, type TableColumnsType } from 'antd';
import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { callAction } from '../../api/client.js';
import { useApiErrorHandler } from '../../components/use-api-error.js';
import { NECESSITY_COLORS, STATUS_COLORS, vulInfo, type FixPreview, type VulFilters, type VulRecord } from './vul-api.js';

/** Hosts affected by one advisory, with their packages and the ignore / verify / fix buttons. */
export function VulHostRows({ name, filters, onChanged }: { name: string; filters: VulFilters; onChanged: () => void }) {
  const { t } = useTranslation();
  const onError = useApiErrorHandler();
  const [rows, setRows] = useState<VulRecord[]>([]);
  const [loading, setLoading] = useState(false);
  const [reason, setReason] = useState('');
  const { modal, message } = App.useApp();

  const load = useCallback(async () => {
    setLoading(true);
    try {
      const r = await callAction<{ VulRecords: VulRecord[] }>('DescribeVulList', {
        Type: filters.type,
        Name: name,
        PageSize: 100,
        ...(filters.necessity ? { Necessity: filters.necessity } : {}),
        ...(filters.dealed ? { Dealed: filters.dealed } : {}),
      });
      setRows(r.VulRecords);
    } catch (error) {
      onError(error);
    } finally {
      setLoading(false);
    }
  }, [name, filters, onError]);

  useEffect(() => {
    void load();
  }, [load]);

  const operate = async (rec: VulRecord, op: string, extra: object = {}) => {
    try {
      await callAction('ModifyOperateVul', { Type: filters.type, OperateType: op, Info: vulInfo(rec.Name, rec.Uuid), ...extra });
      await load();
      onChanged();
    } catch (error) {
      onError(error);
    }
  };

  /** Status 8 (fixed, needs reboot): RebootMachine, its own confirmed task (RAM: ecs:RebootInstance). */
  const reboot = async (rec: VulRecord) => {
    try {
      await callAction('RebootMachine', { Uuid: rec.Uuid });
      void message.success(t('vulns.rebootQueued'));
    } catch (error) {
      onError(error);
    }
  };

  /** The agent's own dry run (apt-get -s / dnf --assumeno / apk --simulate) in a dialog. */
  const preview = async (rec: VulRecord) => {
    try {
      const r = await callAction<{ Previews: FixPreview[] }>('ModifyOperateVul', { Type: 'cve', OperateType: 'vul_fix_preview', Info: vulInfo(rec.Name, rec.Uuid) });
      const p = r.Previews[0];
      modal.info({
        title: t('vulns.previewTitle'),
        width: 640,
        content: (
          <div data-testid="vul-preview-content">
            {p?.Error ? <Typography.Text type="danger">{p.Error}</Typography.Text> : null}
            {p?.Command ? <Typography.Paragraph code>{p.Command}</Typography.Paragraph> : null}
            {p && !p.Error && p.Changes.length === 0 ? <Typography.Paragraph>{t('vulns.previewNoChange')}</Typography.Paragraph> : null}
            <ul>
              {(p?.Changes ?? []).map((c) => (
                <li key={`${c.Action}-${c.Name}`}>
                  {t(`vulns.change.${c.Action}`, { defaultValue: c.Action })} {c.Name} {c.From} {c.To ? `→ ${c.To}` : ''}
                </li>
              ))}
            </ul>
            {p?.ExtraPackages.length ? <Typography.Paragraph type="warning">{t('vulns.previewExtra', { list: p.ExtraPackages.join(', ') })}</Typography.Paragraph> : null}
          </div>
        ),
      });
    } catch (error) {
      onError(error);
    }
  };

  const columns: TableColumnsType<VulRecord> = [
    {
      title: t('vulns.host'),
      key: 'host',
      render: (_: unknown, r) => (
        <Space direction="vertical" size={0}>
          <span>{r.InstanceName}</span>
          <Typography.Text type="secondary" style={{ fontSize: 12 }}>
            {r.IntranetIp || r.InternetIp || r.Uuid}
          </Typography.Text>
        </Space>
      ),
    },
    {
      title: t('vulns.packages'),
      key: 'packages',
      render: (_: unknown, r) => (
        <Space direction="vertical" size={0}>
          {r.ExtendContentJson.RpmEntityList.map((p) => (
            <span key={p.Name} title={p.MatchDetail}>
              {p.Name} {p.FullVersion} <Typography.Text code>{p.UpdateCmd}</Typography.Text>
            </span>
          ))}
          {r.RelatedProcesses.length ? (
            <Typography.Text type="secondary" style={{ fontSize: 12 }} data-testid={`vul-procs-${r.Uuid}`}>
              {t('vulns.processes')}: {r.RelatedProcesses.slice(0, 8).map((p) => `${p.Name} (${p.Pid})`).join(', ')}
              {r.RelatedProcesses.length > 8 ? ` … +${r.RelatedProcesses.length - 8}` : ''}
            </Typography.Text>
          ) : null}
        </Space>
      ),
    },
    { title: t('vulns.urgency'), key: 'necessity', render: (_: unknown, r) => <Tag color={NECESSITY_COLORS[r.Necessity]}>{t(`vulns.necessity.${r.Necessity}`)}</Tag> },
    {
      title: t('vulns.status'),
      key: 'status',
      render: (_: unknown, r) => (
        <Space direction="vertical" size={0}>
          <Tag color={STATUS_COLORS[r.Status]} data-testid={`vul-status-${r.Uuid}`}>
            {t(`vulns.statusName.${r.Status}`, { defaultValue: String(r.Status) })}
          </Tag>
          {r.Reason ? <Typography.Text type="secondary">{r.Reason}</Typography.Text> : null}
          {r.ResultMessage ? <Typography.Text type={r.Status === 7 || r.Status === 6 ? 'secondary' : 'danger'} style={{ whiteSpace: 'pre-wrap' }}>{r.ResultMessage}</Typography.Text> : null}
        </Space>
      ),
    },
    {
      title: t('vulns.actions'),
      key: 'actions',
      render: (_: unknown, r) => (
        <Space wrap>
          {r.Status === 10 ? (
            <Button size="small" onClick={() => void operate(r, 'vul_undo_ignore')} data-testid={`vul-unignore-${r.Uuid}`}>
              {t('vulns.unignore')}
            </Button>
          ) : (
            <Popconfirm
              title={t('vulns.ignoreTitle')}
              description={<Input placeholder={t('vulns.reason')} value={reason} onChange={(e) => setReason(e.target.value)} data-testid="vul-ignore-reason" />}
              onConfirm={() => void operate(r, 'vul_ignore', { Reason: reason })}
              okButtonProps={{ 'data-testid': 'vul-ignore-confirm' } as Record<`data-${string}`, string>}
            >
              <Button size="small" data-testid={`vul-ignore-${r.Uuid}`}>
                {t('vulns.ignore')}
              </Button>
            </Popconfirm>
          )}
          <Button size="small" onClick={() => void operate(r, 'vul_verify')} data-testid={`vul-verify-${r.Uuid}`}>
            {t('vulns.verify')}
          </Button>
          {r.Status === 8 ? (
            <Popconfirm title={t('vulns.rebootConfirm')} onConfirm={() => void reboot(r)}>
              <Button size="small" danger data-testid={`vul-reboot-${r.Uuid}`}>
                {t('vulns.reboot')}
              </Button>
            </Popconfirm>
          ) : null}
          {/* The agent fixes OS packages only; app/cms findings show their update command instead. */}
          {filters.type === 'cve' && (r.Status === 1 || r.Status === 2) ? (
            <Button size="small" onClick={() => void preview(r)} data-testid={`vul-preview-${r.Uuid}`}>
              {t('vulns.preview')}
            </Button>
          ) : null}
          {filters.type === 'cve' && (r.Status === 1 || r.Status === 2) ? (
            <Popconfirm title={t('vulns.fixConfirm', { cmd: r.ExtendContentJson.RpmEntityList.map((p) => p.UpdateCmd).join('; ') })} onConfirm={() => void operate(r, 'vul_fix')}>
              <Button size="small" type="primary" data-testid={`vul-fix-${r.Uuid}`}>
                {t('vulns.fix')}
              </Button>
            </Popconfirm>
          ) : null}
        </Space>
      ),
    },
  ];

  return <Table<VulRecord> rowKey="Uuid" size="small" columns={columns} dataSource={rows} loading={loading} pagination={false} data-testid={`vul-hosts-${name}`} />;
}
