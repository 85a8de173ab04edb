import { Segmented } from 'antd';
import { useTranslation } from 'react-i18next';
import { changeLanguage } from '../i18n/i18n.js';
import { LANGUAGES, isLanguage, type Language } from '../i18n/languages.js';

export function LanguageSwitch() {
  const { t, i18n } = useTranslation();
  const current: Language = isLanguage(i18n.language) ? i18n.language : 'en';
  return (
    <Segmented<Language>
      size="small"
      aria-label={t('header.language')}
      data-testid="language-switch"
      value={current}
      options={LANGUAGES.map((language) => ({ value: language, label: t(`language.${language}`) }))}
      onChange={(language) => void changeLanguage(language)}
    />
  );
}
