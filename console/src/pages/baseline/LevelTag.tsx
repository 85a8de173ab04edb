import { Tag } from 'antd';
import { useTranslation } from 'react-i18next';
import { STATUS } from './baseline-api.js';

const LEVEL_COLORS: Record<string, string> = { high: 'red', medium: 'orange', low: 'blue' };
const STATUS_COLORS: Record<number, string> = { [STATUS.failed]: 'red', [STATUS.verifying]: 'processing', [STATUS.passed]: 'green', [STATUS.ignored]: 'default' };
const STATUS_KEYS: Record<number, string> = { [STATUS.failed]: 'failed', [STATUS.verifying]: 'verifying', [STATUS.passed]: 'passed', [STATUS.ignored]: 'ignored' };

export function LevelTag({ level }: { level: string }) {
  const { t } = useTranslation();
  return <Tag color={LEVEL_COLORS[level] ?? 'default'}>{t(`baseline.level.${level}`, { defaultValue: level })}</Tag>;
}

export function StatusTag({ status }: { status: number }) {
  const { t } = useTranslation();
  const key = STATUS_KEYS[status];
  return <Tag color={STATUS_COLORS[status] ?? 'default'}>{key ? t(`baseline.status.${key}`) : String(status)}</Tag>;
}
