import { PlusOutlined } from '@ant-design/icons';
import { App, Button } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { callAction } from '../../../api/client.js';
import type { AccessKeyItem, AccessKeyStatus, CreateAccessKeyResponse, ListAccessKeysResponse } from '../../../api/types.js';
import { useApiErrorHandler } from '../../../components/use-api-error.js';
import { AccessKeySecretModal } from '../../access-keys/AccessKeySecretModal.js';
import { AccessKeyTable } from '../../access-keys/AccessKeyTable.js';
import { useActionData } from '../../../components/use-action-data.js';

/** Another user's AccessKeys (the AccessKey actions with `UserName`); the secret is shown once. */
export function UserAccessKeysTab({ userName }: { userName: string }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const onError = useApiErrorHandler();
  const { data, loading, refresh } = useActionData<ListAccessKeysResponse, AccessKeyItem[]>('ListAccessKeys', { UserName: userName }, (r) => r.AccessKeys.AccessKey, []);
  const [creating, setCreating] = useState(false);
  const [busyId, setBusyId] = useState<string | undefined>();
  const [created, setCreated] = useState<CreateAccessKeyResponse['AccessKey'] | undefined>();

  async function create() {
    setCreating(true);
    try {
      const response = await callAction<CreateAccessKeyResponse>('CreateAccessKey', { UserName: userName });
      setCreated(response.AccessKey);
      await refresh();
    } catch (error) {
      onError(error);
    } finally {
      setCreating(false);
    }
  }

  async function mutate(id: string, action: string, params: object, toastKey: string) {
    setBusyId(id);
    try {
      await callAction(action, { UserAccessKeyId: id, UserName: userName, ...params });
      void message.success(t(toastKey));
      await refresh();
    } catch (error) {
      onError(error);
    } finally {
      setBusyId(undefined);
    }
  }

  return (
    <>
      <Button type="primary" icon={<PlusOutlined />} loading={creating} onClick={() => void create()} style={{ marginBottom: 12 }} data-testid="user-create-access-key">
        {t('accessKeys.create')}
      </Button>
      <AccessKeyTable
        keys={data}
        loading={loading}
        busyId={busyId}
        onToggle={(id, status: AccessKeyStatus) => void mutate(id, 'UpdateAccessKey', { Status: status }, 'accessKeys.updatedToast')}
        onDelete={(id) => void mutate(id, 'DeleteAccessKey', {}, 'accessKeys.deletedToast')}
      />
      <AccessKeySecretModal accessKey={created} onClose={() => setCreated(undefined)} />
    </>
  );
}
