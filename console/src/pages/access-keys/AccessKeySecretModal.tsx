import { Alert, Button, Descriptions, Modal, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import type { CreateAccessKeyResponse } from '../../api/types.js';

type NewAccessKey = CreateAccessKeyResponse['AccessKey'];

/** Shows a new AccessKey's secret: the only time the server ever returns it. */
export function AccessKeySecretModal({ accessKey, onClose }: { accessKey: NewAccessKey | undefined; onClose: () => void }) {
  const { t } = useTranslation();
  const copyable = { tooltips: [t('accessKeys.copy'), t('accessKeys.copied')] };
  return (
    <Modal
      open={accessKey !== undefined}
      title={t('accessKeys.secretTitle')}
      closable={false}
      mask={{ closable: false }}
      keyboard={false}
      destroyOnHidden
      width={640}
      footer={
        <Button type="primary" onClick={onClose} data-testid="secret-modal-done">
          {t('accessKeys.secretDone')}
        </Button>
      }
    >
      <div data-testid="secret-modal">
        <Alert type="warning" showIcon title={t('accessKeys.secretWarning')} style={{ marginBottom: 16 }} />
        <Descriptions column={1} bordered size="small">
          <Descriptions.Item label={t('accessKeys.secretId')}>
            <Typography.Text code copyable={copyable} data-testid="new-access-key-id">
              {accessKey?.AccessKeyId}
            </Typography.Text>
          </Descriptions.Item>
          <Descriptions.Item label={t('accessKeys.secretSecret')}>
            <Typography.Text code copyable={copyable} data-testid="new-access-key-secret">
              {accessKey?.AccessKeySecret}
            </Typography.Text>
          </Descriptions.Item>
        </Descriptions>
      </div>
    </Modal>
  );
}
