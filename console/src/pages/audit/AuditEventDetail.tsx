import { Col, Row, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import type { AuditEvent } from '../../api/types.js';

const preStyle = { maxHeight: 320, overflow: 'auto', margin: 0 } as const;

export function AuditEventDetail({ event }: { event: AuditEvent }) {
  const { t } = useTranslation();
  return (
    <Row gutter={16}>
      <Col xs={24} lg={10}>
        <Typography.Text strong>{t('audit.requestParameters')}</Typography.Text>
        <pre style={preStyle} data-testid={`audit-params-${event.eventId}`}>
          {JSON.stringify(event.requestParameters, null, 2)}
        </pre>
      </Col>
      <Col xs={24} lg={14}>
        <Typography.Text strong>{t('audit.eventDetail')}</Typography.Text>
        <pre style={preStyle}>{JSON.stringify(event, null, 2)}</pre>
      </Col>
    </Row>
  );
}
