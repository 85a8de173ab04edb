import { LogoutOutlined, UserOutlined } from '@ant-design/icons';
import { Button, Layout, Space, Typography, theme } from 'antd';
import { useTranslation } from 'react-i18next';
import { useSession } from '../session/session-context.js';
import { LanguageSwitch } from './LanguageSwitch.js';

export function HeaderBar() {
  const { t } = useTranslation();
  const { state, signOut } = useSession();
  const { token } = theme.useToken();
  const userName = state.status === 'authenticated' ? state.session.UserName : '';
  return (
    <Layout.Header
      style={{
        background: token.colorBgContainer,
        display: 'flex',
        alignItems: 'center',
        justifyContent: 'flex-end',
        paddingInline: 24,
        borderBottom: `1px solid ${token.colorBorderSecondary}`,
      }}
    >
      <Space size="middle">
        <LanguageSwitch />
        <Typography.Text data-testid="current-user" title={t('header.signedInAs', { name: userName })}>
          <UserOutlined /> {userName}
        </Typography.Text>
        <Button icon={<LogoutOutlined />} onClick={() => void signOut()} data-testid="logout">
          {t('header.logout')}
        </Button>
      </Space>
    </Layout.Header>
  );
}
