import { DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import { App, Button, Form, Input, Modal, Popconfirm, Select, Table, Tag, Typography, type TableColumnsType } from 'antd';
import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { callAction } from '../../api/client.js';
import { useApiErrorHandler } from '../../components/use-api-error.js';
import { CYCLE_DAYS, SHIPPED_POLICIES, type Strategy, type StrategyResponse } from './baseline-api.js';

interface Host {
  Uuid: string;
  InstanceName: string;
  IntranetIp: string;
}

interface FormValues {
  Name: string;
  policies: string[];
  CycleDays: number;
  StartTime: string;
  EndTime: string;
  hosts: string[];
}

const CLOCK = /^([01]\d|2[0-3]):[0-5]\d:[0-5]\d$|^24:00:00$/;

/** 检测策略 Strategies: which policies run on which hosts, every N days in a daily window. */
export function StrategyPanel() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const onError = useApiErrorHandler();
  const [list, setList] = useState<Strategy[]>([]);
  const [hosts, setHosts] = useState<Host[]>([]);
  const [loading, setLoading] = useState(false);
  const [open, setOpen] = useState(false);
  const [saving, setSaving] = useState(false);
  const [form] = Form.useForm<FormValues>();

  const refresh = useCallback(async () => {
    setLoading(true);
    try {
      setList((await callAction<StrategyResponse>('DescribeStrategy', {})).Strategies);
    } catch (e) {
      onError(e);
    } finally {
      setLoading(false);
    }
  }, [onError]);

  useEffect(() => {
    void refresh();
    callAction<{ Instances: Host[] }>('DescribeCloudCenterInstances', { PageSize: 100, CurrentPage: 1 })
      .then((r) => setHosts(r.Instances))
      .catch(onError);
  }, [refresh, onError]);

  async function save(v: FormValues) {
    setSaving(true);
    try {
      const r = await callAction<{ Result: { StrategyId: number } }>('ModifyStrategy', {
        Name: v.Name,
        CustomType: 'custom',
        CycleDays: String(v.CycleDays),
        StartTime: v.StartTime,
        EndTime: v.EndTime,
        TargetType: 'uuid',
        RiskSubTypeName: v.policies.join(','),
      });
      if (v.hosts.length > 0) {
        await callAction('ModifyStrategyTarget', { Type: 'hc_strategy', Config: String(r.Result.StrategyId), Target: JSON.stringify(v.hosts.map((u) => ({ target: u, targetType: 'uuid', flag: 'add' }))) });
      }
      void message.success(t('baseline.strategy.created'));
      setOpen(false);
      form.resetFields();
      await refresh();
    } catch (e) {
      onError(e);
    } finally {
      setSaving(false);
    }
  }

  async function remove(id: number) {
    try {
      await callAction('DeleteStrategy', { Id: String(id) });
      void message.success(t('baseline.strategy.deleted'));
      await refresh();
    } catch (e) {
      onError(e);
    }
  }

  const columns: TableColumnsType<Strategy> = [
    { title: t('baseline.strategy.name'), dataIndex: 'Name' },
    {
      title: t('baseline.strategy.policies'),
      dataIndex: 'RiskSubTypeName',
      render: (v: string) => (v ? v.split(',').map((p) => <Tag key={p}>{p}</Tag>) : <Tag>{t('baseline.strategy.policiesAll')}</Tag>),
    },
    { title: t('baseline.strategy.cycle'), dataIndex: 'CycleDays', render: (n: number) => t('baseline.strategy.everyDays', { n }) },
    { title: t('baseline.strategy.window'), key: 'window', render: (_v, s) => `${s.StartTime} – ${s.EndTime}` },
    { title: t('baseline.strategy.hosts'), dataIndex: 'EcsCount', render: (n: number) => t('baseline.strategy.bound', { n }) },
    {
      title: t('baseline.actions'),
      key: 'actions',
      render: (_v, s) => (
        <Popconfirm title={t('baseline.strategy.deleteConfirm')} onConfirm={() => void remove(s.Id)}>
          <Button size="small" danger icon={<DeleteOutlined />} data-testid={`strategy-delete-${s.Id}`}>
            {t('baseline.strategy.delete')}
          </Button>
        </Popconfirm>
      ),
    },
  ];

  return (
    <>
      <Typography.Paragraph type="secondary">{t('baseline.strategy.intro')}</Typography.Paragraph>
      <Button type="primary" icon={<PlusOutlined />} style={{ marginBottom: 16 }} onClick={() => setOpen(true)} data-testid="strategy-new">
        {t('baseline.strategy.new')}
      </Button>
      <Table<Strategy> rowKey="Id" loading={loading} columns={columns} dataSource={list} pagination={false} locale={{ emptyText: t('baseline.strategy.empty') }} data-testid="strategy-table" />
      <Modal title={t('baseline.strategy.new')} open={open} onCancel={() => setOpen(false)} onOk={() => form.submit()} confirmLoading={saving} okButtonProps={{ 'data-testid': 'strategy-save' } as Record<string, string>} destroyOnClose>
        <Form<FormValues> form={form} layout="vertical" onFinish={(v) => void save(v)} initialValues={{ policies: [], CycleDays: 1, StartTime: '00:00:00', EndTime: '06:00:00', hosts: [] }}>
          <Form.Item name="Name" label={t('baseline.strategy.name')} rules={[{ required: true, message: t('baseline.strategy.required') }]}>
            <Input maxLength={128} data-testid="strategy-name" />
          </Form.Item>
          <Form.Item name="policies" label={t('baseline.strategy.policies')} extra={t('baseline.strategy.policiesAll')}>
            <Select mode="tags" options={SHIPPED_POLICIES.map((p) => ({ value: p, label: p }))} data-testid="strategy-policies" />
          </Form.Item>
          <Form.Item name="CycleDays" label={t('baseline.strategy.cycle')}>
            <Select options={CYCLE_DAYS.map((n) => ({ value: n, label: t('baseline.strategy.everyDays', { n }) }))} data-testid="strategy-cycle" />
          </Form.Item>
          <Form.Item name="StartTime" label={t('baseline.strategy.startTime')} rules={[{ pattern: CLOCK, message: t('baseline.strategy.timeInvalid') }]}>
            <Input data-testid="strategy-start" />
          </Form.Item>
          <Form.Item name="EndTime" label={t('baseline.strategy.endTime')} rules={[{ pattern: CLOCK, message: t('baseline.strategy.timeInvalid') }]}>
            <Input data-testid="strategy-end" />
          </Form.Item>
          <Form.Item name="hosts" label={t('baseline.strategy.hosts')}>
            <Select mode="multiple" options={hosts.map((h) => ({ value: h.Uuid, label: `${h.InstanceName} ${h.IntranetIp}` }))} data-testid="strategy-hosts" />
          </Form.Item>
        </Form>
      </Modal>
    </>
  );
}
