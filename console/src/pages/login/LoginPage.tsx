import { LockOutlined, SafetyOutlined, UserOutlined } from '@ant-design/icons';
import { Alert, Button, Card, Flex, Form, Input, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../../api/client.js';
import { LanguageSwitch } from '../../layout/LanguageSwitch.js';
import { useSession } from '../../session/session-context.js';
import { loginErrorText } from './login-error.js';

interface LoginValues {
  userName: string;
  password: string;
  totpCode?: string;
}

export function LoginPage() {
  const { t } = useTranslation();
  const { signIn } = useSession();
  const [mfaRequired, setMfaRequired] = useState(false);
  const [error, setError] = useState<string | undefined>();
  const [submitting, setSubmitting] = useState(false);

  async function onFinish(values: LoginValues) {
    setSubmitting(true);
    setError(undefined);
    try {
      await signIn(values.userName.trim(), values.password, mfaRequired ? values.totpCode : undefined);
    } catch (caught) {
      if (caught instanceof ApiError && caught.code === 'MFARequired') {
        setMfaRequired(true);
      } else {
        setError(loginErrorText(caught, t));
      }
    } finally {
      setSubmitting(false);
    }
  }

  return (
    <Flex justify="center" align="center" style={{ minHeight: '100vh', background: '#f0f2f5' }}>
      <Card style={{ width: 380 }}>
        <Flex justify="space-between" align="center" style={{ marginBottom: 16 }}>
          <Typography.Title level={3} style={{ margin: 0 }}>
            <SafetyOutlined /> {t('app.name')}
          </Typography.Title>
          <LanguageSwitch />
        </Flex>
        <Typography.Paragraph type="secondary">{t('login.title')}</Typography.Paragraph>
        {error ? <Alert type="error" showIcon title={error} role="alert" data-testid="login-error" style={{ marginBottom: 16 }} /> : null}
        {mfaRequired ? <Alert type="info" showIcon title={t('login.totpHint')} data-testid="login-mfa-hint" style={{ marginBottom: 16 }} /> : null}
        <Form<LoginValues> layout="vertical" onFinish={(values) => void onFinish(values)} requiredMark={false}>
          <Form.Item name="userName" label={t('login.userName')} rules={[{ required: true, whitespace: true, message: t('login.userNameRequired') }]}>
            <Input prefix={<UserOutlined />} autoComplete="username" autoFocus data-testid="login-username" />
          </Form.Item>
          <Form.Item name="password" label={t('login.password')} rules={[{ required: true, message: t('login.passwordRequired') }]}>
            <Input.Password prefix={<LockOutlined />} autoComplete="current-password" data-testid="login-password" />
          </Form.Item>
          {mfaRequired ? (
            <Form.Item
              name="totpCode"
              label={t('login.totp')}
              rules={[
                { required: true, message: t('login.totpRequired') },
                { pattern: /^\d{6}$/, message: t('login.totpFormat') },
              ]}
            >
              <Input inputMode="numeric" autoComplete="one-time-code" maxLength={6} autoFocus data-testid="login-totp" />
            </Form.Item>
          ) : null}
          <Button type="primary" htmlType="submit" block loading={submitting} data-testid="login-submit">
            {t('login.submit')}
          </Button>
        </Form>
      </Card>
    </Flex>
  );
}
