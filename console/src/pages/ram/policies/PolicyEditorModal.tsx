import { Checkbox, Form, Input, Modal } from 'antd';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useApiErrorHandler } from '../../../components/use-api-error.js';
import { PolicyIssues } from '../shared/PolicyIssues.js';
import { savePolicyDocument } from '../shared/policy-call.js';
import type { PolicyErrorItem, PolicyWarningItem } from '../shared/ram-types.js';
import { POLICY_TEMPLATE } from './policy-json.js';

interface EditorValues {
  PolicyName: string;
  Description?: string;
  PolicyDocument: string;
  SetAsDefault?: boolean;
}

export type EditorTarget = { mode: 'create' } | { mode: 'version'; policyName: string; document: string };

/**
 * The JSON policy editor: a new custom policy, or a new version of one. The server validates the
 * document; refused documents list each bad element (path + message) inline, warnings stay visible.
 */
export function PolicyEditorModal({ target, onClose, onSaved }: { target: EditorTarget | undefined; onClose: () => void; onSaved: () => void }) {
  const { t } = useTranslation();
  const onError = useApiErrorHandler();
  const [form] = Form.useForm<EditorValues>();
  const [saving, setSaving] = useState(false);
  const [errors, setErrors] = useState<{ items: PolicyErrorItem[]; message?: string }>({ items: [] });
  const [warnings, setWarnings] = useState<PolicyWarningItem[] | undefined>();

  useEffect(() => {
    if (!target) return;
    setErrors({ items: [] });
    setWarnings(undefined);
    form.setFieldsValue({
      PolicyName: target.mode === 'version' ? target.policyName : '',
      Description: '',
      PolicyDocument: target.mode === 'version' ? target.document : POLICY_TEMPLATE,
      SetAsDefault: true,
    });
  }, [target, form]);

  async function save(values: EditorValues) {
    if (!target) return;
    setSaving(true);
    setErrors({ items: [] });
    try {
      const result =
        target.mode === 'create'
          ? await savePolicyDocument('CreatePolicy', { PolicyName: values.PolicyName.trim(), PolicyDocument: values.PolicyDocument, Description: values.Description ?? '' })
          : await savePolicyDocument('CreatePolicyVersion', {
              PolicyName: target.policyName,
              PolicyDocument: values.PolicyDocument,
              SetAsDefault: values.SetAsDefault ?? false,
              RotateStrategy: 'DeleteOldestNonDefaultVersionWhenLimitExceeded',
            });
      if (!result.ok) {
        setErrors({ items: result.errors, message: result.message });
        return;
      }
      onSaved();
      // Warnings (e.g. unknown actions) keep the editor open so they can be read; otherwise close.
      if (result.warnings.length > 0) setWarnings(result.warnings);
      else onClose();
    } catch (error) {
      onError(error);
    } finally {
      setSaving(false);
    }
  }

  const saved = warnings !== undefined;
  return (
    <Modal
      open={target !== undefined}
      width={760}
      title={target?.mode === 'version' ? t('ram.policies.newVersionTitle', { name: target.policyName }) : t('ram.policies.createTitle')}
      okText={saved ? t('ram.common.close') : t('ram.common.save')}
      cancelText={t('common.cancel')}
      cancelButtonProps={saved ? { style: { display: 'none' } } : {}}
      confirmLoading={saving}
      onOk={() => (saved ? onClose() : form.submit())}
      onCancel={onClose}
      forceRender
      // Opened from the policy drawer too: stay above it (both default to z-index 1000).
      zIndex={1100}
    >
      <PolicyIssues errors={errors.items} {...(errors.message ? { message: errors.message } : {})} warnings={warnings ?? []} />
      <Form<EditorValues> form={form} layout="vertical" onFinish={(v) => void save(v)} disabled={saved}>
        <Form.Item name="PolicyName" label={t('ram.policies.name')} rules={[{ required: true, whitespace: true, max: 128 }]} hidden={target?.mode === 'version'}>
          <Input autoComplete="off" data-testid="policy-form-name" />
        </Form.Item>
        {target?.mode === 'create' ? (
          <Form.Item name="Description" label={t('ram.policies.description')} rules={[{ max: 1024 }]}>
            <Input />
          </Form.Item>
        ) : (
          <Form.Item name="SetAsDefault" valuePropName="checked">
            <Checkbox>{t('ram.policies.setAsDefault')}</Checkbox>
          </Form.Item>
        )}
        <Form.Item name="PolicyDocument" label={t('ram.policies.document')} rules={[{ required: true, whitespace: true }]} extra={t('ram.policies.documentHint')}>
          <Input.TextArea
            rows={16}
            spellCheck={false}
            style={{ fontFamily: 'ui-monospace, SFMono-Regular, Menlo, Consolas, monospace', fontSize: 13 }}
            data-testid="policy-form-document"
          />
        </Form.Item>
      </Form>
    </Modal>
  );
}
