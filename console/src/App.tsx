import { App as AntdApp, ConfigProvider } from 'antd';
import { useTranslation } from 'react-i18next';
import { HashRouter } from 'react-router-dom';
import { AppRoutes } from './AppRoutes.js';
import { antdLocaleFor } from './i18n/antd-locale.js';
import { isLanguage } from './i18n/languages.js';
import { SessionProvider } from './session/SessionProvider.js';

export function App() {
  const { i18n } = useTranslation();
  const language = isLanguage(i18n.language) ? i18n.language : 'en';
  return (
    <ConfigProvider locale={antdLocaleFor(language)}>
      <AntdApp>
        <SessionProvider>
          <HashRouter>
            <AppRoutes />
          </HashRouter>
        </SessionProvider>
      </AntdApp>
    </ConfigProvider>
  );
}
