import { Descriptions, Drawer, Spin, Tag, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { callAction } from '../../api/client.js';
import { useApiErrorHandler } from '../../components/use-api-error.js';
import type { LeakDetail } from './leak-api.js';
import { LeakStatusTag } from './LeakStatusTag.js';

export function LeakDetailDrawer({ id, onClose }: { id: number | undefined; onClose: () => void }) {
  const { t } = useTranslation();
  const onError = useApiErrorHandler();
  const [detail, setDetail] = useState<LeakDetail | undefined>();

  useEffect(() => {
    setDetail(undefined);
    if (id === undefined) return;
    callAction<LeakDetail>('DescribeAccessKeyLeakDetail', { Id: id }).then(setDetail, onError);
  }, [id, onError]);

  return (
    <Drawer open={id !== undefined} onClose={onClose} width={640} title={t('leaks.detailTitle')} destroyOnHidden>
      {!detail ? (
        <Spin />
      ) : (
        <Descriptions column={1} bordered size="small" data-testid="leak-detail">
          <Descriptions.Item label={t('leaks.accessKeyId')}>{detail.AccesskeyId || '—'}</Descriptions.Item>
          <Descriptions.Item label={t('leaks.type')}>{`${detail.Provider} / ${detail.Type}`}</Descriptions.Item>
          <Descriptions.Item label={t('leaks.status')}><LeakStatusTag status={detail.Status} /></Descriptions.Item>
          <Descriptions.Item label={t('leaks.owner')}>{detail.OwnerUserName || t('leaks.notOwnKey')}</Descriptions.Item>
          <Descriptions.Item label={t('leaks.tokenValid')}>{detail.TokenValid === 1 ? <Tag color="red">{t('leaks.valid')}</Tag> : <Tag>{t('leaks.invalid')}</Tag>}</Descriptions.Item>
          <Descriptions.Item label={t('leaks.location')}>{detail.Asset}</Descriptions.Item>
          <Descriptions.Item label={t('leaks.file')}>{`${detail.File}:${detail.Line}`}</Descriptions.Item>
          <Descriptions.Item label={t('leaks.commit')}>{detail.Commit ? <Typography.Text code>{detail.Commit.slice(0, 12)}</Typography.Text> : '—'}</Descriptions.Item>
          <Descriptions.Item label={t('leaks.author')}>{detail.Author || '—'}</Descriptions.Item>
          <Descriptions.Item label={t('leaks.excerpt')}>
            <Typography.Paragraph code copyable={false} style={{ whiteSpace: 'pre-wrap', marginBottom: 0 }} data-testid="leak-excerpt">
              {detail.Code}
            </Typography.Paragraph>
          </Descriptions.Item>
          <Descriptions.Item label={t('leaks.dealTime')}>{detail.DealTime || '—'}</Descriptions.Item>
          <Descriptions.Item label={t('leaks.remark')}>{detail.Remark || '—'}</Descriptions.Item>
        </Descriptions>
      )}
    </Drawer>
  );
}
