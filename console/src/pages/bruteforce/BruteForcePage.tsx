import { Card, Tabs } from 'antd';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { callAction } from '../../api/client.js';
import { PageHeader } from '../../components/PageHeader.js';
import { useApiErrorHandler } from '../../components/use-api-error.js';
import { BlockedTab } from './BlockedTab.js';
import { LoginSettingsTab } from './LoginSettingsTab.js';
import { RulesTab } from './RulesTab.js';
import type { Host } from './bruteforce-api.js';

/** 防暴力破解 (settings → alert settings): rules, blocked sources, usual-login settings. */
export function BruteForcePage() {
  const { t } = useTranslation();
  const onError = useApiErrorHandler();
  const [hosts, setHosts] = useState<Host[]>([]);

  useEffect(() => {
    callAction<{ Instances: Host[] }>('DescribeCloudCenterInstances', { PageSize: 100, CurrentPage: 1 })
      .then((r) => setHosts(r.Instances))
      .catch(onError);
  }, [onError]);

  return (
    <>
      <PageHeader title={t('bruteForce.title')} intro={t('bruteForce.intro')} />
      <Card>
        <Tabs
          destroyOnHidden
          items={[
            { key: 'rules', label: <span data-testid="bf-tab-rules">{t('bruteForce.tabs.rules')}</span>, children: <RulesTab hosts={hosts} /> },
            { key: 'blocked', label: <span data-testid="bf-tab-blocked">{t('bruteForce.tabs.blocked')}</span>, children: <BlockedTab /> },
            { key: 'login', label: <span data-testid="bf-tab-login">{t('bruteForce.tabs.login')}</span>, children: <LoginSettingsTab hosts={hosts} /> },
          ]}
        />
      </Card>
    </>
  );
}
