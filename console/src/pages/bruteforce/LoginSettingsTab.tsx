import { DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import { Button, Form, Input, Popconfirm, Segmented, Select, Space, Table, TimePicker } from 'antd';
import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { callAction } from '../../api/client.js';
import { useApiErrorHandler } from '../../components/use-api-error.js';
import { configOf, LOGIN_TYPES, type Host, type LoginBaseConfig, type LoginType } from './bruteforce-api.js';

interface AddForm {
  value?: string;
  range?: [{ format(f: string): string }, { format(f: string): string }];
  hosts: string[];
}

/** Usual login IPs, times and accounts per host (DescribeLoginBaseConfigs / ModifyLoginBaseConfig / DeleteLoginBaseConfig). */
export function LoginSettingsTab({ hosts }: { hosts: Host[] }) {
  const { t } = useTranslation();
  const onError = useApiErrorHandler();
  const [type, setType] = useState<LoginType>('login_common_ip');
  const [rows, setRows] = useState<LoginBaseConfig[]>([]);
  const [loading, setLoading] = useState(false);
  const [form] = Form.useForm<AddForm>();

  const refresh = useCallback(async () => {
    setLoading(true);
    try {
      setRows((await callAction<{ BaseConfigs: LoginBaseConfig[] }>('DescribeLoginBaseConfigs', { Type: type, CurrentPage: 1, PageSize: 100 })).BaseConfigs);
    } catch (error) {
      onError(error);
    } finally {
      setLoading(false);
    }
  }, [onError, type]);

  useEffect(() => {
    void refresh();
  }, [refresh]);

  async function add(v: AddForm) {
    const config =
      type === 'login_common_time'
        ? configOf(type, { Ip: '', Account: '', StartTime: v.range?.[0].format('HH:mm:ss') ?? '', EndTime: v.range?.[1].format('HH:mm:ss') ?? '' })
        : configOf(type, { Ip: v.value ?? '', Account: v.value ?? '', StartTime: '', EndTime: '' });
    try {
      await callAction('ModifyLoginBaseConfig', { Type: type, Config: config, Target: JSON.stringify(v.hosts.map((u) => ({ target: u, targetType: 'uuid', flag: 'add' }))) });
      form.resetFields();
      await refresh();
    } catch (error) {
      onError(error);
    }
  }

  async function remove(c: LoginBaseConfig) {
    try {
      await callAction('DeleteLoginBaseConfig', { Type: type, Config: configOf(type, c) });
      await refresh();
    } catch (error) {
      onError(error);
    }
  }

  const hostName = (u: string) => hosts.find((h) => h.Uuid === u)?.InstanceName ?? u.slice(0, 8);
  return (
    <>
      <Segmented<LoginType>
        value={type}
        onChange={(v) => setType(v)}
        options={LOGIN_TYPES.map((x) => ({ value: x, label: t(`bruteForce.loginTypes.${x}`) }))}
        data-testid="login-type"
        style={{ marginBottom: 12 }}
      />
      <Form form={form} layout="inline" onFinish={(v) => void add(v)} style={{ marginBottom: 12 }} initialValues={{ hosts: [] }}>
        {type === 'login_common_time' ? (
          <Form.Item name="range" rules={[{ required: true, message: t('bruteForce.valueRequired') }]}>
            <TimePicker.RangePicker format="HH:mm:ss" data-testid="login-time" />
          </Form.Item>
        ) : (
          <Form.Item name="value" rules={[{ required: true, message: t('bruteForce.valueRequired') }]}>
            <Input placeholder={t(`bruteForce.placeholders.${type}`)} data-testid="login-value" style={{ width: 220 }} />
          </Form.Item>
        )}
        <Form.Item name="hosts" rules={[{ required: true, message: t('bruteForce.hostsRequired') }]}>
          <Select mode="multiple" placeholder={t('bruteForce.hosts')} style={{ minWidth: 240 }} data-testid="login-hosts" options={hosts.map((h) => ({ value: h.Uuid, label: `${h.InstanceName} (${h.IntranetIp})` }))} />
        </Form.Item>
        <Button htmlType="submit" type="primary" icon={<PlusOutlined />} data-testid="login-add">
          {t('bruteForce.add')}
        </Button>
      </Form>
      <Table<LoginBaseConfig>
        rowKey="Id"
        loading={loading}
        dataSource={rows}
        pagination={false}
        data-testid="login-configs"
        columns={[
          {
            title: t(`bruteForce.loginTypes.${type}`),
            key: 'value',
            render: (_: unknown, c) => (type === 'login_common_ip' ? c.Ip : type === 'login_common_time' ? `${c.StartTime} – ${c.EndTime}` : c.Account),
          },
          { title: t('bruteForce.hosts'), key: 'hosts', render: (_: unknown, c) => <Space wrap>{c.Targets.map((x) => hostName(x.Target)).join(', ')}</Space> },
          {
            title: '',
            key: 'ops',
            render: (_: unknown, c) => (
              <Popconfirm title={t('bruteForce.deleteConfirm')} onConfirm={() => void remove(c)}>
                <Button size="small" danger icon={<DeleteOutlined />} aria-label={t('common.delete')} data-testid="login-delete" />
              </Popconfirm>
            ),
          },
        ]}
      />
    </>
  );
}
