import { DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import { App, Button, Checkbox, Form, Input, InputNumber, Modal, Popconfirm, Select, Space, Table, Tag } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { callAction } from '../../api/client.js';
import { useApiErrorHandler } from '../../components/use-api-error.js';
import { useActionData } from '../../components/use-action-data.js';
import { duration, type BfRule, type Host } from './bruteforce-api.js';

interface RuleForm {
  Name: string;
  FailCount: number;
  Span: number;
  ForbiddenTime: number;
  TimeUnit: 'minute' | 'second';
  DefaultRule: boolean;
  UuidList: string[];
  SourceIp?: string;
}

/** Anti-brute-force rules: list, create, delete (CreateAntiBruteForceRule & co.). */
export function RulesTab({ hosts }: { hosts: Host[] }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const onError = useApiErrorHandler();
  const { data: rules, loading, refresh } = useActionData<{ Rules: BfRule[] }, BfRule[]>('DescribeAntiBruteForceRules', { CurrentPage: 1, PageSize: '100' }, (r) => r.Rules, []);
  const [open, setOpen] = useState(false);
  const [saving, setSaving] = useState(false);
  const [form] = Form.useForm<RuleForm>();

  async function save(v: RuleForm) {
    setSaving(true);
    try {
      await callAction('CreateAntiBruteForceRule', {
        Name: v.Name,
        FailCount: v.FailCount,
        Span: v.Span,
        ForbiddenTime: v.ForbiddenTime,
        TimeUnit: v.TimeUnit,
        DefaultRule: v.DefaultRule,
        UuidList: v.UuidList,
        ...(v.SourceIp ? { SourceIp: v.SourceIp } : {}),
      });
      setOpen(false);
      void message.success(t('bruteForce.saved'));
      await refresh();
    } catch (error) {
      onError(error);
    } finally {
      setSaving(false);
    }
  }

  async function remove(id: number) {
    try {
      await callAction('DeleteAntiBruteForceRule', { Ids: [id] });
      await refresh();
    } catch (error) {
      onError(error);
    }
  }

  const hostName = (u: string) => hosts.find((h) => h.Uuid === u)?.InstanceName ?? u.slice(0, 8);
  return (
    <>
      <Space style={{ marginBottom: 12 }}>
        <Button type="primary" icon={<PlusOutlined />} onClick={() => (form.resetFields(), setOpen(true))} data-testid="bf-add-rule">
          {t('bruteForce.addRule')}
        </Button>
      </Space>
      <Table<BfRule>
        rowKey="Id"
        loading={loading}
        dataSource={rules}
        pagination={false}
        data-testid="bf-rules"
        columns={[
          { title: t('bruteForce.name'), dataIndex: 'Name', render: (v: string, r) => <>{v} {r.DefaultRule ? <Tag color="blue">{t('bruteForce.default')}</Tag> : null}</> },
          {
            title: t('bruteForce.condition'),
            key: 'cond',
            render: (_: unknown, r) => t('bruteForce.conditionText', { count: r.FailCount, span: duration(r.SpanSeconds), block: duration(r.ForbiddenTimeSeconds) }),
          },
          { title: t('bruteForce.hosts'), dataIndex: 'UuidList', render: (v: string[]) => v.map((u) => <Tag key={u}>{hostName(u)}</Tag>) },
          { title: t('bruteForce.sourceAllow'), dataIndex: 'SourceIp' },
          {
            title: '',
            key: 'ops',
            render: (_: unknown, r) => (
              <Popconfirm title={t('bruteForce.deleteConfirm')} onConfirm={() => void remove(r.Id)}>
                <Button size="small" danger icon={<DeleteOutlined />} aria-label={t('common.delete')} data-testid="bf-delete-rule" />
              </Popconfirm>
            ),
          },
        ]}
      />
      <Modal open={open} title={t('bruteForce.addRule')} confirmLoading={saving} onOk={() => form.submit()} onCancel={() => setOpen(false)} destroyOnHidden data-testid="bf-rule-modal">
        <Form form={form} layout="vertical" initialValues={{ FailCount: 5, Span: 5, ForbiddenTime: 30, TimeUnit: 'minute', DefaultRule: false, UuidList: [] }} onFinish={(v) => void save(v)}>
          <Form.Item name="Name" label={t('bruteForce.name')} rules={[{ required: true, message: t('bruteForce.nameRequired') }]}>
            <Input maxLength={128} data-testid="bf-rule-name" />
          </Form.Item>
          <Space wrap>
            <Form.Item name="FailCount" label={t('bruteForce.failCount')} rules={[{ required: true }]}>
              <InputNumber min={1} max={10000} data-testid="bf-rule-failcount" />
            </Form.Item>
            <Form.Item name="Span" label={t('bruteForce.span')} rules={[{ required: true }]}>
              <InputNumber min={1} data-testid="bf-rule-span" />
            </Form.Item>
            <Form.Item name="ForbiddenTime" label={t('bruteForce.forbiddenTime')} rules={[{ required: true }]}>
              <InputNumber min={1} data-testid="bf-rule-forbidden" />
            </Form.Item>
            <Form.Item name="TimeUnit" label={t('bruteForce.unit')}>
              <Select style={{ width: 120 }} options={[{ value: 'minute', label: t('bruteForce.minutes') }, { value: 'second', label: t('bruteForce.seconds') }]} />
            </Form.Item>
          </Space>
          <Form.Item name="UuidList" label={t('bruteForce.hosts')} rules={[{ required: true, message: t('bruteForce.hostsRequired') }]}>
            <Select mode="multiple" data-testid="bf-rule-hosts" options={hosts.map((h) => ({ value: h.Uuid, label: `${h.InstanceName} (${h.IntranetIp})` }))} />
          </Form.Item>
          <Form.Item name="SourceIp" label={t('bruteForce.sourceAllow')} extra={t('bruteForce.sourceAllowHelp')}>
            <Input placeholder="192.0.2.0/24, 198.51.100.7" />
          </Form.Item>
          <Form.Item name="DefaultRule" valuePropName="checked">
            <Checkbox>{t('bruteForce.defaultHelp')}</Checkbox>
          </Form.Item>
        </Form>
      </Modal>
    </>
  );
}
