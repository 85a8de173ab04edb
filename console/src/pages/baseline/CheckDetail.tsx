import { Alert, Button, Descriptions, Space, Spin, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { callAction } from '../../api/client.js';
import { useApiErrorHandler } from '../../components/use-api-error.js';
import type { CheckWarningDetail } from './baseline-api.js';

/** Reason, evidence and fix text of one warning; the automatic fix when the check declares one. */
export function CheckDetail({ warningId, onFix }: { warningId: number; onFix: (detail: CheckWarningDetail) => void }) {
  const { t } = useTranslation();
  const onError = useApiErrorHandler();
  const [detail, setDetail] = useState<CheckWarningDetail | undefined>();

  useEffect(() => {
    let live = true;
    callAction<CheckWarningDetail>('DescribeCheckWarningDetail', { CheckWarningId: warningId }).then(
      (d) => live && setDetail(d),
      (e: unknown) => onError(e),
    );
    return () => {
      live = false;
    };
  }, [warningId, onError]);

  if (!detail) return <Spin size="small" />;
  return (
    <Space direction="vertical" style={{ width: '100%' }} data-testid={`baseline-detail-${warningId}`}>
      <Descriptions column={1} size="small" bordered>
        <Descriptions.Item label={t('baseline.reason')}>{detail.Reason}</Descriptions.Item>
        <Descriptions.Item label={t('baseline.evidence')}>
          <Typography.Text style={{ whiteSpace: 'pre-wrap' }}>{detail.Description || '—'}</Typography.Text>
        </Descriptions.Item>
        <Descriptions.Item label={t('baseline.solution')}>
          <span data-testid="baseline-solution">{detail.Solution || '—'}</span>
        </Descriptions.Item>
        {detail.IgnoreReason ? <Descriptions.Item label={t('baseline.ignoreReason')}>{detail.IgnoreReason}</Descriptions.Item> : null}
      </Descriptions>
      {detail.AutoFix ? (
        <Alert
          type="info"
          showIcon
          message={t('baseline.autoFixHint')}
          action={
            <Button size="small" onClick={() => onFix(detail)} data-testid={`baseline-fix-${warningId}`}>
              {t('baseline.fix')}
            </Button>
          }
        />
      ) : null}
    </Space>
  );
}
