import { Tag } from 'antd';
import { useTranslation } from 'react-i18next';
import type { PolicyType } from './ram-types.js';

export function PolicyTypeTag({ type }: { type: PolicyType }) {
  const { t } = useTranslation();
  return <Tag color={type === 'System' ? 'blue' : 'purple'}>{type === 'System' ? t('ram.policies.typeSystem') : t('ram.policies.typeCustom')}</Tag>;
}
