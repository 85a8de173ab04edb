import { SafetyOutlined } from '@ant-design/icons';
import { Layout, Typography } from 'antd';
import { Suspense } from 'react';
import { useTranslation } from 'react-i18next';
import { Outlet } from 'react-router-dom';
import { HeaderBar } from './HeaderBar.js';
import { NavMenu } from './NavMenu.js';
import { PageFallback } from './PageFallback.js';

export function AppLayout() {
  const { t } = useTranslation();
  return (
    <Layout style={{ minHeight: '100vh' }}>
      <Layout.Sider width={220} breakpoint="lg" collapsedWidth={0}>
        <div style={{ padding: '16px 24px' }}>
          <Typography.Title level={4} style={{ color: '#fff', margin: 0 }} data-testid="product-name">
            <SafetyOutlined /> {t('app.name')}
          </Typography.Title>
        </div>
        <NavMenu />
      </Layout.Sider>
      <Layout>
        <HeaderBar />
        <Layout.Content style={{ padding: 24 }}>
          <Suspense fallback={<PageFallback />}>
            <Outlet />
          </Suspense>
        </Layout.Content>
      </Layout>
    </Layout>
  );
}
