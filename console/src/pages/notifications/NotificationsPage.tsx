import { DeleteOutlined, EditOutlined, PlusOutlined, SendOutlined } from '@ant-design/icons';
import { App, Button, Card, Popconfirm, Space, Switch, Table, Tag, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { callAction } from '../../api/client.js';
import { PageHeader } from '../../components/PageHeader.js';
import { useApiErrorHandler } from '../../components/use-api-error.js';
import { useActionData } from '../../components/use-action-data.js';
import { ChannelModal } from './ChannelModal.js';
import type { Channel } from './notify-api.js';

const LEVEL_COLORS: Record<string, string> = { serious: 'red', suspicious: 'orange', remind: 'blue' };

export function NotificationsPage() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const onError = useApiErrorHandler();
  const { data: channels, loading, refresh } = useActionData<{ Channels: Channel[] }, Channel[]>('DescribeNotificationChannels', {}, (r) => r.Channels, []);
  const [busy, setBusy] = useState<string | undefined>();
  const [editing, setEditing] = useState<{ open: boolean; channel?: Channel }>({ open: false });

  async function act(key: string, fn: () => Promise<void>) {
    setBusy(key);
    try {
      await fn();
      await refresh();
    } catch (error) {
      onError(error);
    } finally {
      setBusy(undefined);
    }
  }

  const test = (c: Channel) =>
    act(`test-${c.Id}`, async () => {
      const r = await callAction<{ Success: boolean; Message: string }>('TestNotificationChannel', { Id: c.Id });
      if (r.Success) void message.success(t('notify.testSent'));
      else void message.error(t('notify.testFailed', { message: r.Message }));
    });

  return (
    <>
      <PageHeader
        title={t('notify.title')}
        intro={t('notify.intro')}
        extra={
          <Button type="primary" icon={<PlusOutlined />} onClick={() => setEditing({ open: true })} data-testid="notify-add">
            {t('notify.addChannel')}
          </Button>
        }
      />
      <Card>
        <Table<Channel>
          rowKey="Id"
          loading={loading}
          dataSource={channels}
          pagination={false}
          data-testid="notify-table"
          columns={[
            { title: t('notify.name'), dataIndex: 'Name' },
            { title: t('notify.type'), dataIndex: 'Type', render: (v: string) => <Tag>{t(`notify.types.${v}`, { defaultValue: v })}</Tag> },
            { title: t('notify.levels'), dataIndex: 'Levels', render: (v: string) => v.split(',').filter(Boolean).map((l) => <Tag key={l} color={LEVEL_COLORS[l]}>{t(`notify.level.${l}`, { defaultValue: l })}</Tag>) },
            {
              title: t('notify.target'),
              key: 'target',
              render: (_: unknown, c) => (
                <Typography.Text code>{c.Type === 'email' ? `${c.SmtpHost}:${c.SmtpPort} → ${c.MailTo}` : c.UrlMasked}{c.HasSecret || c.HasPassword ? ' 🔒' : ''}</Typography.Text>
              ),
            },
            {
              title: t('notify.enabled'),
              dataIndex: 'Enabled',
              render: (v: boolean, c) => <Switch size="small" checked={v} loading={busy === `en-${c.Id}`} onChange={(on) => void act(`en-${c.Id}`, () => callAction('ModifyNotificationChannel', { Id: c.Id, Enabled: on }))} />,
            },
            {
              title: t('notify.lastDelivery'),
              key: 'last',
              render: (_: unknown, c) =>
                c.LastStatus === 'never' ? t('notify.never') : (
                  <span title={c.LastError} data-testid="notify-last">
                    <Tag color={c.LastStatus === 'ok' ? 'green' : 'red'}>{t(`notify.status.${c.LastStatus}`, { defaultValue: c.LastStatus })}</Tag>
                    {c.LastTime ? new Date(c.LastTime).toLocaleString() : ''}
                    {c.LastError ? <Typography.Text type="danger"> {c.LastError}</Typography.Text> : null}
                  </span>
                ),
            },
            {
              title: '',
              key: 'ops',
              render: (_: unknown, c) => (
                <Space>
                  <Button size="small" icon={<SendOutlined />} loading={busy === `test-${c.Id}`} onClick={() => void test(c)}>
                    {t('notify.testSend')}
                  </Button>
                  <Button size="small" icon={<EditOutlined />} onClick={() => setEditing({ open: true, channel: c })} aria-label={t('notify.editChannel')} />
                  <Popconfirm title={t('notify.deleteConfirm')} onConfirm={() => void act(`del-${c.Id}`, () => callAction('DeleteNotificationChannels', { Ids: c.Id }))}>
                    <Button size="small" danger icon={<DeleteOutlined />} aria-label={t('common.delete')} />
                  </Popconfirm>
                </Space>
              ),
            },
          ]}
        />
      </Card>
      <ChannelModal
        open={editing.open}
        channel={editing.channel}
        onClose={(changed) => {
          setEditing({ open: false });
          if (changed) {
            void message.success(t('notify.saved'));
            void refresh();
          }
        }}
      />
    </>
  );
}
