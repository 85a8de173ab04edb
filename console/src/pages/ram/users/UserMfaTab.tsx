import { Alert, App, Button, Flex, Form, Input, Popconfirm, QRCode, Result, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { callAction } from '../../../api/client.js';
import { useApiErrorHandler } from '../../../components/use-api-error.js';
import type { CreateVirtualMFADeviceResponse, RamUser } from '../shared/ram-types.js';

type Device = CreateVirtualMFADeviceResponse['VirtualMFADevice'];

interface BindValues {
  code1: string;
  code2: string;
}

const SIX_DIGITS = /^\d{6}$/;

/** TOTP MFA of a user: enroll (QR code + seed, then two consecutive codes) or unbind. */
export function UserMfaTab({ user, onChange }: { user: RamUser; onChange: () => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const onError = useApiErrorHandler();
  const [device, setDevice] = useState<Device | undefined>();
  const [busy, setBusy] = useState(false);
  const [bindError, setBindError] = useState<string | undefined>();

  async function run(work: () => Promise<void>) {
    setBusy(true);
    try {
      await work();
    } catch (error) {
      onError(error);
    } finally {
      setBusy(false);
    }
  }

  const start = () =>
    run(async () => {
      const r = await callAction<CreateVirtualMFADeviceResponse>('CreateVirtualMFADevice', { VirtualMFADeviceName: user.UserName });
      setBindError(undefined);
      setDevice(r.VirtualMFADevice);
    });

  async function bind(values: BindValues) {
    if (!device) return;
    setBusy(true);
    setBindError(undefined);
    try {
      await callAction('BindMFADevice', { SerialNumber: device.SerialNumber, UserName: user.UserName, AuthenticationCode1: values.code1, AuthenticationCode2: values.code2 });
      void message.success(t('ram.mfa.boundToast'));
      setDevice(undefined);
      onChange();
    } catch (error) {
      setBindError(error instanceof Error ? error.message : String(error));
    } finally {
      setBusy(false);
    }
  }

  const unbind = () =>
    run(async () => {
      await callAction('UnbindMFADevice', { UserName: user.UserName });
      void message.success(t('ram.mfa.unboundToast'));
      onChange();
    });

  if (user.MFAEnabled) {
    return (
      <Result
        status="success"
        title={t('ram.mfa.enabled')}
        subTitle={t('ram.mfa.enabledHint')}
        data-testid="mfa-enabled"
        extra={
          <Popconfirm title={t('ram.mfa.unbindConfirm', { name: user.UserName })} okButtonProps={{ danger: true }} okText={t('ram.mfa.unbind')} cancelText={t('common.cancel')} onConfirm={() => void unbind()}>
            <Button danger loading={busy} data-testid="mfa-unbind">
              {t('ram.mfa.unbind')}
            </Button>
          </Popconfirm>
        }
      />
    );
  }
  if (!device) {
    return (
      <Flex vertical gap={12} align="flex-start">
        <Typography.Paragraph>{t('ram.mfa.notEnabled')}</Typography.Paragraph>
        <Button type="primary" loading={busy} onClick={() => void start()} data-testid="mfa-start">
          {t('ram.mfa.bind')}
        </Button>
      </Flex>
    );
  }
  return (
    <Flex gap={24} wrap align="flex-start">
      <Flex vertical gap={8} align="center">
        <QRCode value={device.QRCodeUri} size={180} data-testid="mfa-qr" />
        <Typography.Text type="secondary">{t('ram.mfa.seed')}</Typography.Text>
        <Typography.Text code copyable data-testid="mfa-seed">
          {device.Base32StringSeed}
        </Typography.Text>
      </Flex>
      <div style={{ flex: 1, minWidth: 240 }}>
        <Typography.Paragraph>{t('ram.mfa.scanHint')}</Typography.Paragraph>
        {bindError ? <Alert type="error" showIcon role="alert" title={bindError} style={{ marginBottom: 12 }} data-testid="mfa-error" /> : null}
        <Form<BindValues> layout="vertical" onFinish={(v) => void bind(v)}>
          <Form.Item name="code1" label={t('ram.mfa.code1')} rules={[{ required: true, pattern: SIX_DIGITS, message: t('login.totpFormat') }]}>
            <Input inputMode="numeric" maxLength={6} autoComplete="one-time-code" data-testid="mfa-code-1" />
          </Form.Item>
          <Form.Item name="code2" label={t('ram.mfa.code2')} rules={[{ required: true, pattern: SIX_DIGITS, message: t('login.totpFormat') }]}>
            <Input inputMode="numeric" maxLength={6} autoComplete="one-time-code" data-testid="mfa-code-2" />
          </Form.Item>
          <Button type="primary" htmlType="submit" loading={busy} data-testid="mfa-bind">
            {t('ram.mfa.confirmBind')}
          </Button>
        </Form>
      </div>
    </Flex>
  );
}
