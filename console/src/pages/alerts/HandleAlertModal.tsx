import { Form, Input, Modal, Radio, Select, Space } from 'antd';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { callAction } from '../../api/client.js';
import { useApiErrorHandler } from '../../components/use-api-error.js';
import { supports, WHITELIST_FIELDS, WHITELIST_OPERATES, type HandleCode, type SuspEvent } from './alert-api.js';

const CODES: HandleCode[] = ['kill_process', 'quara', 'kill_and_quara', 'block_ip', 'clean_persistence', 'ignore', 'manual_handled', 'advance_mark_mis_info'];

interface RuleForm {
  field: (typeof WHITELIST_FIELDS)[number];
  operate: (typeof WHITELIST_OPERATES)[number];
  fieldValue: string;
  scope: 'part' | 'ALL';
}

/** 立即处理 / Handle now: one operation on the alert (or every pending alert of its rule). */
export function HandleAlertModal({ alert, onClose, onDone }: { alert: SuspEvent | undefined; onClose: () => void; onDone: () => void }) {
  const { t } = useTranslation();
  const onError = useApiErrorHandler();
  const [code, setCode] = useState<HandleCode>('ignore');
  const [batch, setBatch] = useState(false);
  const [busy, setBusy] = useState(false);
  const [form] = Form.useForm<RuleForm>();

  useEffect(() => {
    setCode('ignore');
    setBatch(false);
    form.resetFields();
  }, [alert, form]);

  async function submit() {
    if (!alert) return;
    const params: Record<string, unknown> = { OperationCode: code, SecurityEventIds: [String(alert.Id)], ...(batch ? { MarkBatch: 'true' } : {}) };
    if (code === 'advance_mark_mis_info') {
      const r = await form.validateFields();
      params.MarkMissParam = JSON.stringify([{ field: r.field, operate: r.operate, fieldValue: r.fieldValue, uuid: r.scope === 'ALL' ? 'ALL' : alert.Uuid }]);
    }
    setBusy(true);
    try {
      await callAction('HandleSecurityEvents', params);
      onDone();
    } catch (error) {
      onError(error);
    } finally {
      setBusy(false);
    }
  }

  return (
    <Modal
      open={alert !== undefined}
      title={t('alerts.handleTitle')}
      onCancel={onClose}
      onOk={() => void submit()}
      okText={t('alerts.handleOk')}
      cancelText={t('common.cancel')}
      confirmLoading={busy}
      okButtonProps={{ 'data-testid': 'alert-handle-ok' } as Record<string, string>}
      destroyOnHidden
    >
      {alert ? (
        <Space direction="vertical" style={{ width: '100%' }}>
          <Radio.Group value={code} onChange={(e) => setCode(e.target.value as HandleCode)} data-testid="alert-handle-codes">
            <Space direction="vertical">
              {CODES.filter((c) => supports(alert, c)).map((c) => (
                <Radio key={c} value={c} data-testid={`alert-op-${c}`}>
                  {t(`alerts.ops.${c}`)}
                </Radio>
              ))}
            </Space>
          </Radio.Group>
          {code === 'advance_mark_mis_info' ? (
            <Form form={form} layout="vertical" initialValues={{ field: 'cmdline', operate: 'contains', scope: 'part' }}>
              <Form.Item name="field" label={t('alerts.rule.field')}>
                <Select options={WHITELIST_FIELDS.map((f) => ({ value: f, label: t(`alerts.fields.${f}`) }))} />
              </Form.Item>
              <Form.Item name="operate" label={t('alerts.rule.operate')}>
                <Select options={WHITELIST_OPERATES.map((o) => ({ value: o, label: t(`alerts.operates.${o}`) }))} />
              </Form.Item>
              <Form.Item name="fieldValue" label={t('alerts.rule.value')} rules={[{ required: true, max: 512 }]}>
                <Input data-testid="alert-rule-value" />
              </Form.Item>
              <Form.Item name="scope" label={t('alerts.rule.scope')}>
                <Radio.Group options={[{ value: 'part', label: t('alerts.rule.thisHost') }, { value: 'ALL', label: t('alerts.rule.allHosts') }]} />
              </Form.Item>
            </Form>
          ) : null}
          <Radio.Group value={batch} onChange={(e) => setBatch(e.target.value as boolean)}>
            <Radio value={false}>{t('alerts.thisAlert')}</Radio>
            <Radio value={true}>{t('alerts.sameRule')}</Radio>
          </Radio.Group>
        </Space>
      ) : null}
    </Modal>
  );
}
