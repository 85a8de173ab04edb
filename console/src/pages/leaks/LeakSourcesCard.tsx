import { DeleteOutlined, PlusOutlined, ThunderboltOutlined } from '@ant-design/icons';
import { App, Button, Card, Form, Input, InputNumber, Popconfirm, Select, Space, Table, Tag } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { callAction } from '../../api/client.js';
import { useApiErrorHandler } from '../../components/use-api-error.js';
import type { LeakSource } from './leak-api.js';

interface Props {
  sources: LeakSource[];
  loading: boolean;
  onChanged: () => Promise<void>;
}

interface NewSource {
  Kind: 'dir' | 'git';
  Location: string;
  IntervalMinutes: number;
}

export function LeakSourcesCard({ sources, loading, onChanged }: Props) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const onError = useApiErrorHandler();
  const [form] = Form.useForm<NewSource>();
  const [busy, setBusy] = useState<string | undefined>();

  async function run(key: string, fn: () => Promise<unknown>, toast: string) {
    setBusy(key);
    try {
      await fn();
      void message.success(t(toast));
      await onChanged();
    } catch (error) {
      onError(error);
    } finally {
      setBusy(undefined);
    }
  }

  const add = (v: NewSource) =>
    run('add', async () => {
      await callAction('CreateLeakScanSource', { Kind: v.Kind, Location: v.Location.trim(), IntervalMinutes: v.IntervalMinutes });
      form.resetFields(['Location']);
    }, 'leaks.sourceAdded');

  return (
    <Card title={t('leaks.sources')} style={{ marginBottom: 16 }} extra={
      <Button type="primary" icon={<ThunderboltOutlined />} loading={busy === 'scanAll'} disabled={sources.length === 0} data-testid="leaks-scan-all"
        onClick={() => void run('scanAll', () => callAction('StartLeakScan', {}), 'leaks.scanDone')}>
        {t('leaks.scanNow')}
      </Button>
    }>
      <Form form={form} layout="inline" initialValues={{ Kind: 'git', IntervalMinutes: 1440 }} onFinish={(v) => void add(v)} style={{ marginBottom: 12 }}>
        <Form.Item name="Kind">
          <Select style={{ width: 140 }} data-testid="leaks-source-kind" options={[{ value: 'git', label: t('leaks.kindGit') }, { value: 'dir', label: t('leaks.kindDir') }]} />
        </Form.Item>
        <Form.Item name="Location" rules={[{ required: true, message: t('leaks.locationRequired') }]} style={{ flex: 1, minWidth: 280 }}>
          <Input placeholder={t('leaks.locationPlaceholder')} data-testid="leaks-source-location" />
        </Form.Item>
        <Form.Item name="IntervalMinutes" label={t('leaks.interval')}>
          <InputNumber min={0} max={100000} style={{ width: 110 }} />
        </Form.Item>
        <Form.Item>
          <Button htmlType="submit" icon={<PlusOutlined />} loading={busy === 'add'} data-testid="leaks-source-add">
            {t('leaks.addSource')}
          </Button>
        </Form.Item>
      </Form>
      <Table<LeakSource>
        rowKey="Id"
        size="small"
        loading={loading}
        dataSource={sources}
        pagination={false}
        columns={[
          { title: t('leaks.sourceName'), dataIndex: 'Name' },
          { title: t('leaks.kind'), dataIndex: 'Kind', render: (k: string) => <Tag>{k === 'git' ? t('leaks.kindGit') : t('leaks.kindDir')}</Tag> },
          { title: t('leaks.location'), dataIndex: 'Location' },
          { title: t('leaks.interval'), dataIndex: 'IntervalMinutes', render: (m: number) => (m > 0 ? t('leaks.everyMinutes', { n: m }) : t('leaks.onDemand')) },
          {
            title: t('leaks.lastScan'),
            key: 'last',
            render: (_: unknown, s) => (s.LastScanTime ? <span title={s.LastScanMessage}><Tag color={s.LastScanStatus === 'ok' ? 'green' : 'red'}>{s.LastScanStatus}</Tag>{new Date(s.LastScanTime).toLocaleString()}</span> : t('leaks.never')),
          },
          {
            title: '',
            key: 'ops',
            render: (_: unknown, s) => (
              <Space>
                <Button size="small" loading={busy === `scan-${s.Id}`} onClick={() => void run(`scan-${s.Id}`, () => callAction('StartLeakScan', { Id: s.Id }), 'leaks.scanDone')}>
                  {t('leaks.scan')}
                </Button>
                <Popconfirm title={t('leaks.deleteSourceConfirm')} onConfirm={() => void run(`del-${s.Id}`, () => callAction('DeleteLeakScanSource', { Id: s.Id }), 'leaks.sourceDeleted')}>
                  <Button size="small" danger icon={<DeleteOutlined />} aria-label={t('common.delete')} />
                </Popconfirm>
              </Space>
            ),
          },
        ]}
      />
    </Card>
  );
}
