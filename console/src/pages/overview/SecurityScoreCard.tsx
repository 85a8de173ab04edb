import { Card, Flex, Progress, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { SCORE_COLORS, scoreLevel } from './score-level.js';

const LEVEL_KEYS = { good: 'overview.scoreGood', fair: 'overview.scoreFair', poor: 'overview.scorePoor' } as const;

export function SecurityScoreCard({ score }: { score: number | undefined }) {
  const { t } = useTranslation();
  const level = score === undefined ? undefined : scoreLevel(score);
  return (
    <Card title={t('overview.securityScore')} loading={score === undefined}>
      <Flex vertical align="center" gap={8}>
        <Progress
          type="dashboard"
          percent={score ?? 0}
          strokeColor={level ? SCORE_COLORS[level] : undefined}
          format={() => (
            <span data-testid="security-score" style={{ fontSize: 40, fontWeight: 600 }}>
              {score ?? '-'}
            </span>
          )}
          aria-label={t('overview.securityScore')}
        />
        {level ? <Typography.Text style={{ color: SCORE_COLORS[level] }}>{t(LEVEL_KEYS[level])}</Typography.Text> : null}
      </Flex>
    </Card>
  );
}
