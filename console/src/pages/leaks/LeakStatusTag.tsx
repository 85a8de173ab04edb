import { Tag } from 'antd';
import { useTranslation } from 'react-i18next';
import type { LeakStatus } from './leak-api.js';

const COLORS: Record<LeakStatus, string> = { pending: 'orange', disabled: 'green', whitelisted: 'default', manual: 'blue' };

export function LeakStatusTag({ status }: { status: LeakStatus }) {
  const { t } = useTranslation();
  return <Tag color={COLORS[status]}>{t(`leaks.statusValues.${status}`)}</Tag>;
}
