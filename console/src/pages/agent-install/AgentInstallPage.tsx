import { PlusOutlined, ReloadOutlined } from '@ant-design/icons';
import { Alert, App, Button, Card, Form, InputNumber, Popconfirm, Select, Space, Switch, Table, Tag, Typography } from 'antd';
import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { callAction } from '../../api/client.js';
import { PageHeader } from '../../components/PageHeader.js';
import { useApiErrorHandler } from '../../components/use-api-error.js';
import { BatchInstallCard } from './BatchInstallCard.js';
import { EXPIRY_DAYS, VENDORS, installCommands, type InstallCodeItem } from './install-commands.js';

interface CodeForm {
  days: number;
  vendor: string;
  groupId?: number;
  os: 'linux' | 'windows';
  onlyImage: boolean;
}

function Commands({ code }: { code: InstallCodeItem }) {
  const { t } = useTranslation();
  const cmds = installCommands(window.location.origin, code.CaptchaCode);
  return (
    <Card size="small" title={t('agentInstall.commandsFor', { code: code.CaptchaCode })} data-testid="install-commands" style={{ marginBottom: 16 }}>
      {code.Os === 'windows' ? <Alert type="warning" showIcon message={t('agentInstall.windowsRefused')} style={{ marginBottom: 12 }} /> : null}
      <Typography.Text type="secondary">curl</Typography.Text>
      <Typography.Paragraph code copyable data-testid="install-command-curl">
        {cmds.curl}
      </Typography.Paragraph>
      <Typography.Text type="secondary">wget</Typography.Text>
      <Typography.Paragraph code copyable data-testid="install-command-wget">
        {cmds.wget}
      </Typography.Paragraph>
      <Typography.Paragraph type="secondary" style={{ marginBottom: 0 }}>
        {code.OnlyImage ? t('agentInstall.imageHint') : t('agentInstall.runHint')}
      </Typography.Paragraph>
    </Card>
  );
}

export function AgentInstallPage() {
  const { t, i18n } = useTranslation();
  const { message } = App.useApp();
  const onError = useApiErrorHandler();
  const [codes, setCodes] = useState<InstallCodeItem[]>([]);
  const [loading, setLoading] = useState(false);
  const [creating, setCreating] = useState(false);
  const [selected, setSelected] = useState<string | undefined>();
  const [form] = Form.useForm<CodeForm>();

  const refresh = useCallback(async () => {
    setLoading(true);
    try {
      const res = await callAction<{ InstallCodes: InstallCodeItem[] }>('DescribeInstallCodes', {});
      setCodes(res.InstallCodes);
    } catch (error) {
      onError(error);
    } finally {
      setLoading(false);
    }
  }, [onError]);

  useEffect(() => {
    void refresh();
  }, [refresh]);

  async function create(values: CodeForm) {
    setCreating(true);
    try {
      const res = await callAction<{ CaptchaCode: string }>('AddInstallCode', {
        ExpiredDate: Date.now() + values.days * 86_400_000,
        VendorName: values.vendor,
        Os: values.os,
        OnlyImage: values.onlyImage,
        ...(values.groupId ? { GroupId: values.groupId } : {}),
      });
      setSelected(res.CaptchaCode);
      void message.success(t('agentInstall.createdToast'));
      await refresh();
    } catch (error) {
      onError(error);
    } finally {
      setCreating(false);
    }
  }

  async function remove(code: string) {
    try {
      await callAction('DeleteInstallCode', { CaptchaCode: code });
      if (selected === code) setSelected(undefined);
      void message.success(t('agentInstall.deletedToast'));
      await refresh();
    } catch (error) {
      onError(error);
    }
  }

  const shown = codes.find((c) => c.CaptchaCode === selected);
  const now = Date.now();

  return (
    <>
      <PageHeader
        title={t('agentInstall.title')}
        intro={t('agentInstall.intro')}
        extra={
          <Button icon={<ReloadOutlined />} onClick={() => void refresh()} loading={loading}>
            {t('common.refresh')}
          </Button>
        }
      />
      <Card size="small" style={{ marginBottom: 16 }}>
        <Form<CodeForm> form={form} layout="inline" initialValues={{ days: 30, vendor: 'IDC', os: 'linux', onlyImage: false }} onFinish={(v) => void create(v)}>
          <Form.Item name="days" label={t('agentInstall.expiry')}>
            <Select style={{ width: 120 }} data-testid="install-code-expiry" options={EXPIRY_DAYS.map((d) => ({ value: d, label: t('agentInstall.days', { count: d }) }))} />
          </Form.Item>
          <Form.Item name="vendor" label={t('agentInstall.vendor')}>
            <Select style={{ width: 150 }} options={VENDORS.map((v) => ({ value: v, label: t(`agentInstall.vendors.${v}`) }))} />
          </Form.Item>
          <Form.Item name="groupId" label={t('agentInstall.groupId')}>
            <InputNumber min={0} precision={0} style={{ width: 110 }} />
          </Form.Item>
          <Form.Item name="os" label={t('agentInstall.os')}>
            <Select style={{ width: 120 }} options={[{ value: 'linux', label: 'Linux' }, { value: 'windows', label: t('agentInstall.windowsOption') }]} />
          </Form.Item>
          <Form.Item name="onlyImage" label={t('agentInstall.imageMode')} valuePropName="checked">
            <Switch data-testid="install-code-image" />
          </Form.Item>
          <Form.Item>
            <Button type="primary" htmlType="submit" icon={<PlusOutlined />} loading={creating} data-testid="create-install-code">
              {t('agentInstall.create')}
            </Button>
          </Form.Item>
        </Form>
      </Card>
      {shown ? <Commands code={shown} /> : null}
      <Table<InstallCodeItem>
        rowKey="CaptchaCode"
        size="middle"
        loading={loading}
        dataSource={codes}
        data-testid="install-code-table"
        pagination={{ pageSize: 20, hideOnSinglePage: true }}
        columns={[
          { title: t('agentInstall.code'), dataIndex: 'CaptchaCode', render: (c: string) => <Typography.Text code>{c}</Typography.Text> },
          { title: t('agentInstall.vendor'), dataIndex: 'VendorName', render: (v: string) => t(`agentInstall.vendors.${v}`, { defaultValue: v }) },
          { title: t('agentInstall.os'), dataIndex: 'Os', render: (os: string) => (os === 'windows' ? <Tag color="warning">Windows</Tag> : 'Linux') },
          { title: t('agentInstall.groupId'), dataIndex: 'GroupName' },
          { title: t('agentInstall.imageMode'), dataIndex: 'OnlyImage', render: (b: boolean) => (b ? t('agentInstall.yes') : t('agentInstall.no')) },
          {
            title: t('agentInstall.expires'),
            dataIndex: 'ExpiredDate',
            render: (ms: number) => (
              <Space>
                {new Date(ms).toLocaleString(i18n.language, { hour12: false })}
                {ms <= now ? <Tag color="default">{t('agentInstall.expired')}</Tag> : null}
              </Space>
            ),
          },
          {
            title: t('agentInstall.actions'),
            key: 'actions',
            render: (_: unknown, row: InstallCodeItem) => (
              <Space>
                <Button size="small" onClick={() => setSelected(row.CaptchaCode)} data-testid={`install-code-show-${row.CaptchaCode}`}>
                  {t('agentInstall.showCommand')}
                </Button>
                <Popconfirm title={t('agentInstall.deleteConfirm')} okText={t('common.delete')} cancelText={t('common.cancel')} onConfirm={() => void remove(row.CaptchaCode)}>
                  <Button size="small" danger data-testid={`install-code-delete-${row.CaptchaCode}`}>
                    {t('common.delete')}
                  </Button>
                </Popconfirm>
              </Space>
            ),
          },
        ]}
      />
      <div style={{ marginTop: 16 }}>
        <BatchInstallCard codes={codes} onCodeCreated={() => void refresh()} />
      </div>
    </>
  );
}
