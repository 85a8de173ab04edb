import { PlusOutlined, ReloadOutlined } from '@ant-design/icons';
import { App, Button, Space } from 'antd';
import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { callAction } from '../../api/client.js';
import type { AccessKeyItem, AccessKeyStatus, CreateAccessKeyResponse, ListAccessKeysResponse } from '../../api/types.js';
import { PageHeader } from '../../components/PageHeader.js';
import { useApiErrorHandler } from '../../components/use-api-error.js';
import { AccessKeySecretModal } from './AccessKeySecretModal.js';
import { AccessKeyTable } from './AccessKeyTable.js';

export function AccessKeysPage() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const onError = useApiErrorHandler();
  const [keys, setKeys] = useState<AccessKeyItem[]>([]);
  const [loading, setLoading] = useState(false);
  const [creating, setCreating] = useState(false);
  const [busyId, setBusyId] = useState<string | undefined>();
  const [created, setCreated] = useState<CreateAccessKeyResponse['AccessKey'] | undefined>();

  const refresh = useCallback(async () => {
    setLoading(true);
    try {
      const response = await callAction<ListAccessKeysResponse>('ListAccessKeys', {});
      setKeys(response.AccessKeys.AccessKey);
    } catch (error) {
      onError(error);
    } finally {
      setLoading(false);
    }
  }, [onError]);

  useEffect(() => {
    void refresh();
  }, [refresh]);

  async function create() {
    setCreating(true);
    try {
      const response = await callAction<CreateAccessKeyResponse>('CreateAccessKey', {});
      setCreated(response.AccessKey);
      void message.success(t('accessKeys.createdToast'));
      await refresh();
    } catch (error) {
      onError(error);
    } finally {
      setCreating(false);
    }
  }

  async function mutate(id: string, action: () => Promise<unknown>, toastKey: string) {
    setBusyId(id);
    try {
      await action();
      void message.success(t(toastKey));
      await refresh();
    } catch (error) {
      onError(error);
    } finally {
      setBusyId(undefined);
    }
  }

  const toggle = (id: string, status: AccessKeyStatus) =>
    void mutate(id, () => callAction('UpdateAccessKey', { UserAccessKeyId: id, Status: status }), 'accessKeys.updatedToast');
  const remove = (id: string) =>
    void mutate(id, () => callAction('DeleteAccessKey', { UserAccessKeyId: id }), 'accessKeys.deletedToast');

  return (
    <>
      <PageHeader
        title={t('accessKeys.title')}
        intro={t('accessKeys.intro')}
        extra={
          <Space>
            <Button icon={<ReloadOutlined />} onClick={() => void refresh()} loading={loading}>
              {t('common.refresh')}
            </Button>
            <Button type="primary" icon={<PlusOutlined />} loading={creating} onClick={() => void create()} data-testid="create-access-key">
              {t('accessKeys.create')}
            </Button>
          </Space>
        }
      />
      <AccessKeyTable keys={keys} loading={loading} busyId={busyId} onToggle={toggle} onDelete={remove} />
      <AccessKeySecretModal accessKey={created} onClose={() => setCreated(undefined)} />
    </>
  );
}
