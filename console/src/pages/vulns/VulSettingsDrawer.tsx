import { Button, Checkbox, Drawer, Form, Popconfirm, Select, Switch, Table, Tabs, Typography } from 'antd';
import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { callAction } from '../../api/client.js';
import { useApiErrorHandler } from '../../components/use-api-error.js';

interface WhitelistRow {
  Id: string;
  Name: string;
  AliasName: string;
  Reason: string;
  TargetInfo: string;
}

interface Setting {
  Type: string;
  Config: string;
}

const LEVELS = ['asap', 'later', 'nntf'];
const CYCLES = ['1day', '3days', '1week', '2weeks'];

/** Whitelist (DescribeVulWhitelist / DeleteVulWhitelist) and scan settings (DescribeVulConfig / ModifyVulConfig). */
export function VulSettingsDrawer({ open, onClose, onChanged }: { open: boolean; onClose: () => void; onChanged: () => void }) {
  const { t } = useTranslation();
  const onError = useApiErrorHandler();
  const [whitelist, setWhitelist] = useState<WhitelistRow[]>([]);
  const [settings, setSettings] = useState<Record<string, string>>({});

  const load = useCallback(async () => {
    try {
      const [w, s] = await Promise.all([
        callAction<{ VulWhitelists: WhitelistRow[] }>('DescribeVulWhitelist', { PageSize: 100 }),
        callAction<{ TargetConfigs: Setting[] }>('DescribeVulConfig', {}),
      ]);
      setWhitelist(w.VulWhitelists);
      setSettings(Object.fromEntries(s.TargetConfigs.map((x) => [x.Type, x.Config])));
    } catch (error) {
      onError(error);
    }
  }, [onError]);

  useEffect(() => {
    if (open) void load();
  }, [open, load]);

  const set = async (type: string, config: string) => {
    try {
      await callAction('ModifyVulConfig', { Type: type, Config: config });
      await load();
      onChanged();
    } catch (error) {
      onError(error);
    }
  };

  const remove = async (id: string) => {
    try {
      await callAction('DeleteVulWhitelist', { Id: id });
      await load();
      onChanged();
    } catch (error) {
      onError(error);
    }
  };

  const targets = (info: string) => {
    if (!info) return t('vulns.allHosts');
    try {
      const o = JSON.parse(info) as { type?: string; uuids?: string[]; groupIds?: number[] };
      return t('vulns.someHosts', { count: o.type === 'GroupId' ? (o.groupIds?.length ?? 0) : (o.uuids?.length ?? 0) });
    } catch {
      return info;
    }
  };

  const whitelistTab = (
    <Table<WhitelistRow>
      rowKey="Id"
      size="small"
      pagination={false}
      dataSource={whitelist}
      locale={{ emptyText: t('vulns.noWhitelist') }}
      data-testid="vul-whitelist-table"
      columns={[
        { title: t('vulns.advisory'), key: 'name', render: (_: unknown, r) => <Typography.Text strong>{r.Name}</Typography.Text> },
        { title: t('vulns.reason'), dataIndex: 'Reason' },
        { title: t('vulns.scope'), key: 'targets', render: (_: unknown, r) => targets(r.TargetInfo) },
        {
          title: t('vulns.actions'),
          key: 'actions',
          render: (_: unknown, r) => (
            <Popconfirm title={t('vulns.whitelistRemove')} onConfirm={() => void remove(r.Id)} okButtonProps={{ 'data-testid': 'vul-wl-delete-confirm' } as Record<`data-${string}`, string>}>
              <Button size="small" danger data-testid={`vul-wl-delete-${r.Name}`}>
                {t('vulns.remove')}
              </Button>
            </Popconfirm>
          ),
        },
      ]}
    />
  );

  const settingsTab = (
    <Form layout="vertical">
      <Form.Item label={t('vulns.setCve')}>
        <Switch checked={settings.cve !== 'off'} onChange={(on) => void set('cve', on ? 'on' : 'off')} data-testid="vul-set-cve" />
      </Form.Item>
      <Form.Item label={t('vulns.scanMode')}>
        <Select
          style={{ width: 260 }}
          value={settings.scanMode ?? 'all'}
          onChange={(v: string) => void set('scanMode', v)}
          options={[
            { value: 'all', label: t('vulns.scanModeAll') },
            { value: 'real', label: t('vulns.scanModeReal') },
          ]}
          data-testid="vul-set-scanMode"
        />
      </Form.Item>
      <Form.Item label={t('vulns.vulLevel')}>
        <Checkbox.Group
          value={(settings.vulLevel ?? LEVELS.join(',')).split(',')}
          onChange={(v) => (v.length ? void set('vulLevel', (v as string[]).join(',')) : undefined)}
          options={LEVELS.map((l) => ({ value: l, label: <span data-testid={`vul-set-level-${l}`}>{t(`vulns.necessity.${l}`)}</span> }))}
        />
      </Form.Item>
      <Form.Item label={t('vulns.scanCycle')} extra={t('vulns.scanCycleHelp')}>
        <Select style={{ width: 260 }} value={settings.scanCycle ?? '1week'} onChange={(v: string) => void set('scanCycle', v)} options={CYCLES.map((c) => ({ value: c, label: t(`vulns.cycle.${c}`) }))} data-testid="vul-set-scanCycle" />
      </Form.Item>
    </Form>
  );

  return (
    <Drawer open={open} onClose={onClose} width={720} title={t('vulns.whitelistSettings')} data-testid="vul-settings-drawer">
      <Tabs
        items={[
          { key: 'whitelist', label: t('vulns.whitelist'), children: whitelistTab },
          { key: 'settings', label: <span data-testid="vul-settings-tab">{t('vulns.settings')}</span>, children: settingsTab },
        ]}
      />
    </Drawer>
  );
}
