import { Alert, Form, Input, Modal } from 'antd';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError, callAction } from '../../../api/client.js';
import type { RamUser } from '../shared/ram-types.js';

interface UserFormValues {
  UserName: string;
  DisplayName?: string;
  Email?: string;
  Comments?: string;
  Password?: string;
}

/** Create a user (optionally with a console password) or edit one (`user` set). */
export function UserFormModal({ open, user, onClose, onSaved }: { open: boolean; user: RamUser | undefined; onClose: () => void; onSaved: () => void }) {
  const { t } = useTranslation();
  const [form] = Form.useForm<UserFormValues>();
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<string | undefined>();
  // A user created before its password was refused: the next submit only retries the password.
  const [createdName, setCreatedName] = useState<string | undefined>();
  const editing = user !== undefined;

  useEffect(() => {
    if (!open) return;
    setError(undefined);
    setCreatedName(undefined);
    form.setFieldsValue(
      user ? { UserName: user.UserName, DisplayName: user.DisplayName, Email: user.Email, Comments: user.Comments, Password: '' } : { UserName: '', DisplayName: '', Email: '', Comments: '', Password: '' },
    );
  }, [open, user, form]);

  async function save(values: UserFormValues) {
    setSaving(true);
    setError(undefined);
    const name = values.UserName.trim();
    try {
      if (editing) {
        await callAction('UpdateUser', {
          UserName: user.UserName,
          ...(name !== user.UserName ? { NewUserName: name } : {}),
          NewDisplayName: values.DisplayName ?? '',
          NewEmail: values.Email ?? '',
          NewComments: values.Comments ?? '',
        });
      } else if (createdName === undefined) {
        await callAction('CreateUser', { UserName: name, DisplayName: values.DisplayName ?? '', Email: values.Email ?? '', Comments: values.Comments ?? '' });
        setCreatedName(name);
        onSaved();
      }
      if (values.Password) {
        const hasProfile = editing && user.HasLoginProfile;
        await callAction(hasProfile ? 'UpdateLoginProfile' : 'CreateLoginProfile', { UserName: name, Password: values.Password });
      }
      onSaved();
      onClose();
    } catch (caught) {
      const text = caught instanceof Error ? caught.message : String(caught);
      if (caught instanceof ApiError && caught.code.startsWith('InvalidParameter.Password')) {
        setError(t('ram.users.passwordRefused', { message: text }));
        form.setFields([{ name: 'Password', errors: [t('ram.users.passwordPolicyShort')] }]);
      } else setError(text);
    } finally {
      setSaving(false);
    }
  }

  return (
    <Modal
      open={open}
      title={editing ? t('ram.users.editTitle', { name: user.UserName }) : t('ram.users.createTitle')}
      okText={t('ram.common.save')}
      cancelText={t('common.cancel')}
      confirmLoading={saving}
      onOk={() => form.submit()}
      onCancel={onClose}
      forceRender
    >
      {createdName ? <Alert type="info" showIcon style={{ marginBottom: 12 }} title={t('ram.users.createdNoPassword', { name: createdName })} /> : null}
      {error ? <Alert type="error" showIcon role="alert" style={{ marginBottom: 12 }} title={error} data-testid="user-form-error" /> : null}
      <Form<UserFormValues> form={form} layout="vertical" onFinish={(v) => void save(v)}>
        <Form.Item name="UserName" label={t('ram.users.userName')} rules={[{ required: true, whitespace: true, max: 64 }]} extra={t('ram.users.userNameHint')}>
          <Input autoComplete="off" disabled={createdName !== undefined} data-testid="user-form-name" />
        </Form.Item>
        <Form.Item name="DisplayName" label={t('ram.users.displayName')} rules={[{ max: 128 }]}>
          <Input data-testid="user-form-display-name" />
        </Form.Item>
        <Form.Item name="Email" label={t('ram.users.email')} rules={[{ max: 128 }]}>
          <Input />
        </Form.Item>
        <Form.Item name="Comments" label={t('ram.users.comments')} rules={[{ max: 128 }]}>
          <Input />
        </Form.Item>
        <Form.Item name="Password" label={editing ? t('ram.users.newPassword') : t('ram.users.password')} extra={t('ram.users.passwordHint')}>
          <Input.Password autoComplete="new-password" data-testid="user-form-password" />
        </Form.Item>
      </Form>
    </Modal>
  );
}
