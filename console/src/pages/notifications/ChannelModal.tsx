import { Checkbox, Form, Input, InputNumber, Modal, Select, Switch } from 'antd';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { callAction } from '../../api/client.js';
import { useApiErrorHandler } from '../../components/use-api-error.js';
import { CHANNEL_TYPES, channelParams, LEVELS, type Channel, type ChannelForm } from './notify-api.js';

interface Props {
  open: boolean;
  /** The channel being edited; undefined = a new one. */
  channel: Channel | undefined;
  onClose: (changed: boolean) => void;
}

export function ChannelModal({ open, channel, onClose }: Props) {
  const { t } = useTranslation();
  const onError = useApiErrorHandler();
  const [form] = Form.useForm<ChannelForm>();
  const [saving, setSaving] = useState(false);
  const type = Form.useWatch('Type', form);
  const editing = channel !== undefined;

  useEffect(() => {
    if (!open) return;
    form.resetFields();
    if (channel) {
      form.setFieldsValue({
        Type: channel.Type,
        Name: channel.Name,
        Levels: channel.Levels.split(',').filter(Boolean),
        Enabled: channel.Enabled,
        SmtpHost: channel.SmtpHost,
        SmtpPort: channel.SmtpPort || 587,
        SmtpSecure: channel.SmtpSecure,
        SmtpUser: channel.SmtpUser,
        MailFrom: channel.MailFrom,
        MailTo: channel.MailTo,
      });
    }
  }, [open, channel, form]);

  async function save(v: ChannelForm) {
    setSaving(true);
    try {
      if (channel) await callAction('ModifyNotificationChannel', { Id: channel.Id, ...channelParams({ ...v, Type: channel.Type }) });
      else await callAction('CreateNotificationChannel', { Type: v.Type, ...channelParams(v) });
      onClose(true);
    } catch (error) {
      onError(error);
    } finally {
      setSaving(false);
    }
  }

  const keep = editing ? t('notify.keepSecret') : undefined;
  return (
    <Modal open={open} title={t(editing ? 'notify.editChannel' : 'notify.addChannel')} okText={t('notify.save')} confirmLoading={saving} onOk={() => form.submit()} onCancel={() => onClose(false)} destroyOnHidden data-testid="notify-modal">
      <Form form={form} layout="vertical" initialValues={{ Type: 'webhook', Levels: ['serious', 'suspicious'], Enabled: true, SmtpPort: 587, SmtpSecure: false }} onFinish={(v) => void save(v)}>
        <Form.Item name="Type" label={t('notify.type')}>
          <Select disabled={editing} data-testid="notify-type" options={CHANNEL_TYPES.map((c) => ({ value: c, label: t(`notify.types.${c}`) }))} />
        </Form.Item>
        <Form.Item name="Name" label={t('notify.name')} rules={[{ required: true, message: t('notify.nameRequired') }]}>
          <Input data-testid="notify-name" maxLength={128} />
        </Form.Item>
        <Form.Item name="Levels" label={t('notify.levels')} rules={[{ required: true, message: t('notify.levelsRequired') }]}>
          <Checkbox.Group options={LEVELS.map((l) => ({ value: l, label: t(`notify.level.${l}`) }))} />
        </Form.Item>
        <Form.Item name="Enabled" label={t('notify.enabled')} valuePropName="checked">
          <Switch />
        </Form.Item>
        {type === 'email' ? (
          <>
            <Form.Item name="SmtpHost" label={t('notify.smtpHost')} rules={[{ required: !editing }]}>
              <Input data-testid="notify-smtp-host" />
            </Form.Item>
            <Form.Item name="SmtpPort" label={t('notify.smtpPort')}>
              <InputNumber min={1} max={65535} data-testid="notify-smtp-port" />
            </Form.Item>
            <Form.Item name="SmtpSecure" label={t('notify.smtpSecure')} valuePropName="checked" extra={t('notify.smtpSecureHelp')}>
              <Switch />
            </Form.Item>
            <Form.Item name="SmtpUser" label={t('notify.smtpUser')}>
              <Input autoComplete="off" />
            </Form.Item>
            <Form.Item name="SmtpPassword" label={t('notify.smtpPassword')} extra={keep}>
              <Input.Password autoComplete="new-password" />
            </Form.Item>
            <Form.Item name="MailFrom" label={t('notify.mailFrom')} rules={[{ required: !editing }]}>
              <Input data-testid="notify-mail-from" />
            </Form.Item>
            <Form.Item name="MailTo" label={t('notify.mailTo')} rules={[{ required: !editing }]} extra={t('notify.mailToHelp')}>
              <Input data-testid="notify-mail-to" />
            </Form.Item>
          </>
        ) : (
          <>
            <Form.Item name="Url" label={t('notify.url')} rules={[{ required: !editing, message: t('notify.urlRequired') }]} extra={editing ? t('notify.keepUrl', { url: channel.UrlMasked }) : t(`notify.urlHelp.${type ?? 'webhook'}`)}>
              <Input.Password visibilityToggle autoComplete="off" data-testid="notify-url" />
            </Form.Item>
            {type === 'dingtalk' ? (
              <Form.Item name="Secret" label={t('notify.secret')} extra={keep ?? t('notify.secretHelp')}>
                <Input.Password autoComplete="new-password" data-testid="notify-secret" />
              </Form.Item>
            ) : null}
          </>
        )}
      </Form>
    </Modal>
  );
}
