import { CheckCircleOutlined, DisconnectOutlined } from '@ant-design/icons';
import { Card, Col, Row, Statistic } from 'antd';
import { useTranslation } from 'react-i18next';

export function AgentCountsCard({ online, offline }: { online: number | undefined; offline: number | undefined }) {
  const { t } = useTranslation();
  return (
    <Card loading={online === undefined}>
      <Row gutter={16}>
        <Col span={12} data-testid="agents-online">
          <Statistic
            title={t('overview.agentsOnline')}
            value={online ?? 0}
            prefix={<CheckCircleOutlined />}
            styles={{ content: { color: '#52c41a' } }}
          />
        </Col>
        <Col span={12} data-testid="agents-offline">
          <Statistic
            title={t('overview.agentsOffline')}
            value={offline ?? 0}
            prefix={<DisconnectOutlined />}
            styles={{ content: { color: offline ? '#ff4d4f' : undefined } }}
          />
        </Col>
      </Row>
    </Card>
  );
}
