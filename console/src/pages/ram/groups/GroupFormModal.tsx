import { Alert, Form, Input, Modal } from 'antd';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { callAction } from '../../../api/client.js';

interface GroupFormValues {
  GroupName: string;
  Comments?: string;
}

export function GroupFormModal({ open, onClose, onSaved }: { open: boolean; onClose: () => void; onSaved: () => void }) {
  const { t } = useTranslation();
  const [form] = Form.useForm<GroupFormValues>();
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<string | undefined>();

  useEffect(() => {
    if (!open) return;
    setError(undefined);
    form.resetFields();
  }, [open, form]);

  async function save(values: GroupFormValues) {
    setSaving(true);
    setError(undefined);
    try {
      await callAction('CreateGroup', { GroupName: values.GroupName.trim(), Comments: values.Comments ?? '' });
      onSaved();
      onClose();
    } catch (caught) {
      setError(caught instanceof Error ? caught.message : String(caught));
    } finally {
      setSaving(false);
    }
  }

  return (
    <Modal open={open} title={t('ram.groups.createTitle')} okText={t('ram.common.save')} cancelText={t('common.cancel')} confirmLoading={saving} onOk={() => form.submit()} onCancel={onClose} forceRender>
      {error ? <Alert type="error" showIcon role="alert" style={{ marginBottom: 12 }} title={error} /> : null}
      <Form<GroupFormValues> form={form} layout="vertical" onFinish={(v) => void save(v)}>
        <Form.Item name="GroupName" label={t('ram.groups.groupName')} rules={[{ required: true, whitespace: true, max: 64 }]}>
          <Input autoComplete="off" data-testid="group-form-name" />
        </Form.Item>
        <Form.Item name="Comments" label={t('ram.groups.comments')} rules={[{ max: 128 }]}>
          <Input />
        </Form.Item>
      </Form>
    </Modal>
  );
}
