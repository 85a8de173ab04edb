import type { ConfigProviderProps } from 'antd';
import enUSModule from 'antd/locale/en_US.js';
import zhCNModule from 'antd/locale/zh_CN.js';
import type { Language } from './languages.js';

type AntdLocale = NonNullable<ConfigProviderProps['locale']>;

// antd ships its locales as CommonJS: TypeScript (NodeNext) types the default import as the module
// object, while the bundler hands over `exports.default`. Accept both shapes.
function unwrap(module: AntdLocale | { default: AntdLocale }): AntdLocale {
  return 'default' in module ? module.default : module;
}

const LOCALES: Record<Language, AntdLocale> = {
  en: unwrap(enUSModule),
  'zh-CN': unwrap(zhCNModule),
};

export function antdLocaleFor(language: Language): AntdLocale {
  return LOCALES[language];
}
