import { ReloadOutlined } from '@ant-design/icons';
import { Button, Col, Row } from 'antd';
import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { callAction } from '../../api/client.js';
import type { SummaryInfo } from '../../api/types.js';
import { PageHeader } from '../../components/PageHeader.js';
import { useApiErrorHandler } from '../../components/use-api-error.js';
import { AgentCountsCard } from './AgentCountsCard.js';
import { SecurityScoreCard } from './SecurityScoreCard.js';

export function OverviewPage() {
  const { t } = useTranslation();
  const onError = useApiErrorHandler();
  const [summary, setSummary] = useState<SummaryInfo | undefined>();
  const [loading, setLoading] = useState(false);

  const refresh = useCallback(async () => {
    setLoading(true);
    try {
      setSummary(await callAction<SummaryInfo>('DescribeSummaryInfo', {}));
    } catch (error) {
      onError(error);
    } finally {
      setLoading(false);
    }
  }, [onError]);

  useEffect(() => {
    void refresh();
  }, [refresh]);

  return (
    <>
      <PageHeader
        title={t('overview.title')}
        extra={
          <Button icon={<ReloadOutlined />} loading={loading} onClick={() => void refresh()} data-testid="overview-refresh">
            {t('common.refresh')}
          </Button>
        }
      />
      <Row gutter={[16, 16]}>
        <Col xs={24} md={10} xl={8}>
          <SecurityScoreCard score={summary?.SecurityScore} />
        </Col>
        <Col xs={24} md={14} xl={16}>
          <AgentCountsCard online={summary?.AegisClientOnlineCount} offline={summary?.AegisClientOfflineCount} />
        </Col>
      </Row>
    </>
  );
}
