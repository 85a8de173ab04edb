import { PlusOutlined, ReloadOutlined } from '@ant-design/icons';
import { App, Button, Space } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { callAction } from '../../../api/client.js';
import { PageHeader } from '../../../components/PageHeader.js';
import { useApiErrorHandler } from '../../../components/use-api-error.js';
import type { ListUsersResponse, RamUser } from '../shared/ram-types.js';
import { useActionData } from '../../../components/use-action-data.js';
import { UserDrawer } from './UserDrawer.js';
import { UserFormModal } from './UserFormModal.js';
import { UserTable } from './UserTable.js';

export function UsersPage() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const onError = useApiErrorHandler();
  const { data, loading, refresh } = useActionData<ListUsersResponse, RamUser[]>('ListUsers', { MaxItems: 1000 }, (r) => r.Users.User, []);
  const [form, setForm] = useState<{ open: boolean; user?: RamUser }>({ open: false });
  const [opened, setOpened] = useState<string | undefined>();

  async function remove(user: RamUser) {
    try {
      await callAction('DeleteUser', { UserName: user.UserName });
      void message.success(t('ram.users.deletedToast'));
      await refresh();
    } catch (error) {
      onError(error);
    }
  }

  return (
    <>
      <PageHeader
        title={t('ram.users.title')}
        intro={t('ram.users.intro')}
        extra={
          <Space>
            <Button icon={<ReloadOutlined />} onClick={() => void refresh()} loading={loading}>
              {t('common.refresh')}
            </Button>
            <Button type="primary" icon={<PlusOutlined />} onClick={() => setForm({ open: true })} data-testid="user-create">
              {t('ram.users.create')}
            </Button>
          </Space>
        }
      />
      <UserTable users={data} loading={loading} onOpen={(u) => setOpened(u.UserName)} onEdit={(u) => setForm({ open: true, user: u })} onDelete={(u) => void remove(u)} />
      <UserFormModal open={form.open} user={form.user} onClose={() => setForm({ open: false })} onSaved={() => void refresh()} />
      <UserDrawer userName={opened} onClose={() => setOpened(undefined)} onChange={() => void refresh()} />
    </>
  );
}
