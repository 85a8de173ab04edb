import { CloudUploadOutlined } from '@ant-design/icons';
import { Alert, Button, Card, Form, Input, InputNumber, Progress, Radio, Select, Space, Table, Tag, Typography } from 'antd';
import { useEffect, useRef, useState, type HTMLAttributes } from 'react';
import { useTranslation } from 'react-i18next';
import { callAction } from '../../api/client.js';
import { useApiErrorHandler } from '../../components/use-api-error.js';
import { parseHostLines, type InstallCodeItem } from './install-commands.js';

interface BatchForm {
  hosts: string;
  user: string;
  auth: 'key' | 'password';
  privateKey?: string;
  passphrase?: string;
  password?: string;
  code: string;
  downloader: 'curl' | 'wget';
  parallelism: number;
}

interface HostRow {
  Host: string;
  Port: number;
  User: string;
  State: 'pending' | 'running' | 'succeeded' | 'failed';
  Result: string;
  ExitCode: number;
  Message: string;
  OutputTail: string;
  HostKeySha256: string;
}

interface TaskRow {
  TaskId: string;
  Finished: boolean;
  Total: number;
  Pending: number;
  Running: number;
  Succeeded: number;
  Failed: number;
  Hosts: HostRow[];
}

const STATE_COLOR: Record<HostRow['State'], string> = { pending: 'default', running: 'processing', succeeded: 'success', failed: 'error' };
const NEW_CODE = '__new__';

/** SSH batch install (SPEC ): credentials go to the server for this task only and are not kept. */
export function BatchInstallCard({ codes, onCodeCreated }: { codes: InstallCodeItem[]; onCodeCreated: () => void }) {
  const { t } = useTranslation();
  const onError = useApiErrorHandler();
  const [form] = Form.useForm<BatchForm>();
  const [task, setTask] = useState<TaskRow | undefined>();
  const [submitting, setSubmitting] = useState(false);
  const [badLines, setBadLines] = useState<string[]>([]);
  const timer = useRef<number | undefined>(undefined);
  const auth = Form.useWatch('auth', form);

  useEffect(() => () => window.clearTimeout(timer.current), []);

  function poll(taskId: string) {
    const tick = async () => {
      try {
        const res = await callAction<{ Task: TaskRow }>('DescribeBatchInstallTask', { TaskId: taskId });
        setTask(res.Task);
        if (!res.Task.Finished) timer.current = window.setTimeout(() => void tick(), 1000);
      } catch (error) {
        onError(error);
      }
    };
    void tick();
  }

  async function submit(v: BatchForm) {
    const { hosts, bad } = parseHostLines(v.hosts, v.user || 'root');
    setBadLines(bad);
    if (bad.length > 0 || hosts.length === 0) return;
    const secret = v.auth === 'key' ? { PrivateKey: v.privateKey ?? '', ...(v.passphrase ? { Passphrase: v.passphrase } : {}) } : { Password: v.password ?? '' };
    setSubmitting(true);
    try {
      const res = await callAction<{ TaskId: string }>('CreateBatchInstallTask', {
        Hosts: JSON.stringify(hosts.map((h) => ({ ...h, ...secret }))),
        ServerUrl: window.location.origin,
        Downloader: v.downloader,
        Parallelism: v.parallelism,
        ...(v.code !== NEW_CODE ? { CaptchaCode: v.code } : {}),
      });
      // The secrets are not kept in the page either.
      form.setFieldsValue({ privateKey: '', passphrase: '', password: '' });
      window.clearTimeout(timer.current);
      setTask(undefined);
      if (v.code === NEW_CODE) onCodeCreated();
      poll(res.TaskId);
    } catch (error) {
      onError(error);
    } finally {
      setSubmitting(false);
    }
  }

  const now = Date.now();
  const usable = codes.filter((c) => c.Os !== 'windows' && c.ExpiredDate > now);
  const done = task ? task.Succeeded + task.Failed : 0;

  return (
    <Card size="small" title={t('agentInstall.batch.title')} style={{ marginBottom: 16 }} data-testid="batch-install">
      <Typography.Paragraph type="secondary">{t('agentInstall.batch.intro')}</Typography.Paragraph>
      <Form<BatchForm>
        form={form}
        layout="vertical"
        initialValues={{ user: 'root', auth: 'key', code: NEW_CODE, downloader: 'curl', parallelism: 10 }}
        onFinish={(v) => void submit(v)}
      >
        <Form.Item name="hosts" label={t('agentInstall.batch.hosts')} extra={t('agentInstall.batch.hostsHelp')} rules={[{ required: true, message: t('agentInstall.batch.hostsRequired') }]}>
          <Input.TextArea rows={4} placeholder={'10.0.0.5\nadmin@10.0.0.6:2222'} data-testid="batch-hosts" />
        </Form.Item>
        {badLines.length > 0 ? <Alert type="error" showIcon style={{ marginBottom: 12 }} message={t('agentInstall.batch.badLines', { lines: badLines.join(', ') })} data-testid="batch-bad-lines" /> : null}
        <Space wrap align="start">
          <Form.Item name="user" label={t('agentInstall.batch.user')}>
            <Input style={{ width: 140 }} data-testid="batch-user" />
          </Form.Item>
          <Form.Item name="auth" label={t('agentInstall.batch.auth')}>
            <Radio.Group
              options={[
                { value: 'key', label: t('agentInstall.batch.authKey') },
                { value: 'password', label: t('agentInstall.batch.authPassword') },
              ]}
              data-testid="batch-auth"
            />
          </Form.Item>
          <Form.Item name="code" label={t('agentInstall.code')}>
            <Select
              style={{ width: 220 }}
              options={[{ value: NEW_CODE, label: t('agentInstall.batch.newCode') }, ...usable.map((c) => ({ value: c.CaptchaCode, label: c.CaptchaCode }))]}
            />
          </Form.Item>
          <Form.Item name="downloader" label={t('agentInstall.batch.downloader')}>
            <Select style={{ width: 100 }} options={[{ value: 'curl', label: 'curl' }, { value: 'wget', label: 'wget' }]} />
          </Form.Item>
          <Form.Item name="parallelism" label={t('agentInstall.batch.parallelism')}>
            <InputNumber min={1} max={50} precision={0} style={{ width: 90 }} data-testid="batch-parallelism" />
          </Form.Item>
        </Space>
        {auth === 'password' ? (
          <Form.Item name="password" label={t('agentInstall.batch.password')} rules={[{ required: true, message: t('agentInstall.batch.secretRequired') }]}>
            <Input.Password autoComplete="off" data-testid="batch-password" />
          </Form.Item>
        ) : (
          <>
            <Form.Item name="privateKey" label={t('agentInstall.batch.privateKey')} rules={[{ required: true, message: t('agentInstall.batch.secretRequired') }]}>
              <Input.TextArea rows={3} autoComplete="off" spellCheck={false} placeholder="-----BEGIN OPENSSH PRIVATE KEY-----" data-testid="batch-private-key" />
            </Form.Item>
            <Form.Item name="passphrase" label={t('agentInstall.batch.passphrase')}>
              <Input.Password autoComplete="off" />
            </Form.Item>
          </>
        )}
        <Typography.Paragraph type="secondary">{t('agentInstall.batch.secretNote')}</Typography.Paragraph>
        <Button type="primary" htmlType="submit" icon={<CloudUploadOutlined />} loading={submitting} data-testid="batch-start">
          {t('agentInstall.batch.start')}
        </Button>
      </Form>
      {task ? (
        <div style={{ marginTop: 16 }} data-testid="batch-progress" data-finished={task.Finished ? 'true' : 'false'}>
          <Space style={{ marginBottom: 8 }} wrap>
            <Progress type="circle" size={48} percent={Math.round((done / Math.max(task.Total, 1)) * 100)} status={task.Finished && task.Failed > 0 ? 'exception' : undefined} />
            <Typography.Text data-testid="batch-summary">
              {t('agentInstall.batch.summary', { done, total: task.Total, ok: task.Succeeded, failed: task.Failed, running: task.Running })}
            </Typography.Text>
          </Space>
          <Table<HostRow>
            size="small"
            rowKey={(r) => `${r.User}@${r.Host}:${r.Port}`}
            dataSource={task.Hosts}
            pagination={{ pageSize: 50, hideOnSinglePage: true }}
            expandable={{
              rowExpandable: (r) => r.OutputTail !== '',
              expandedRowRender: (r) => <pre style={{ maxHeight: 240, overflow: 'auto', margin: 0, whiteSpace: 'pre-wrap' }}>{r.OutputTail}</pre>,
            }}
            columns={[
              { title: t('agentInstall.batch.host'), key: 'host', render: (_: unknown, r: HostRow) => `${r.User}@${r.Host}:${r.Port}` },
              { title: t('agentInstall.batch.state'), dataIndex: 'State', render: (s: HostRow['State']) => <Tag color={STATE_COLOR[s]}>{t(`agentInstall.batch.states.${s}`)}</Tag> },
              { title: t('agentInstall.batch.result'), dataIndex: 'Result', render: (r: string) => (r ? t(`agentInstall.batch.results.${r}`, { defaultValue: r }) : '') },
              { title: t('agentInstall.batch.exitCode'), dataIndex: 'ExitCode', render: (c: number) => (c >= 0 ? c : '') },
              { title: t('agentInstall.batch.message'), dataIndex: 'Message' },
            ]}
            onRow={(r) => ({ 'data-testid': `batch-row-${r.Host}-${r.Port}`, 'data-state': r.State, 'data-result': r.Result }) as HTMLAttributes<HTMLElement>}
          />
        </div>
      ) : null}
    </Card>
  );
}
