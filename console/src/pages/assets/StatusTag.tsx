import { Tag } from 'antd';
import { useTranslation } from 'react-i18next';

const COLORS: Record<string, string> = { online: 'green', offline: 'default', pause: 'orange' };

export function StatusTag({ status }: { status: string }) {
  const { t } = useTranslation();
  return <Tag color={COLORS[status] ?? 'default'}>{t(`assets.status.${status}`, { defaultValue: status })}</Tag>;
}
