import { Tag } from 'antd';
import { useTranslation } from 'react-i18next';
import type { AlertLevel } from './alert-api.js';

const LEVEL_COLORS: Record<AlertLevel, string> = { serious: 'red', suspicious: 'orange', remind: 'blue' };
const STATUS_COLORS: Record<number, string> = { 1: 'volcano', 2: 'default', 8: 'purple', 16: 'processing', 32: 'green', 64: 'default' };

export function AlertLevelTag({ level }: { level: AlertLevel }) {
  const { t } = useTranslation();
  return <Tag color={LEVEL_COLORS[level] ?? 'default'}>{t(`alerts.levels.${level}`)}</Tag>;
}

export function AlertStatusTag({ status }: { status: number }) {
  const { t } = useTranslation();
  return (
    <Tag color={STATUS_COLORS[status] ?? 'default'} data-testid="alert-status">
      {t(`alerts.statuses.s${status}`, { defaultValue: String(status) })}
    </Tag>
  );
}
