import { Select } from 'antd';
import { useTranslation } from 'react-i18next';
import { useActionData } from '../../../components/use-action-data.js';
import type { ListPoliciesResponse, PolicyType, RamPolicy } from './ram-types.js';

/** `System:Name` / `Custom:Name`: the value of one option of the policy picker. */
export function policyKey(type: PolicyType, name: string): string {
  return `${type}:${name}`;
}

export function parsePolicyKey(key: string): { PolicyType: PolicyType; PolicyName: string } {
  const at = key.indexOf(':');
  return { PolicyType: key.slice(0, at) === 'System' ? 'System' : 'Custom', PolicyName: key.slice(at + 1) };
}

/** Picks one system or custom policy that is not yet attached (`exclude` holds the attached keys). */
export function PolicySelect({ value, onChange, exclude }: { value: string | undefined; onChange: (key: string | undefined) => void; exclude: ReadonlySet<string> }) {
  const { t } = useTranslation();
  const { data, loading } = useActionData<ListPoliciesResponse, RamPolicy[]>('ListPolicies', {}, (r) => r.Policies.Policy, []);
  const group = (type: PolicyType) =>
    data
      .filter((p) => p.PolicyType === type && !exclude.has(policyKey(type, p.PolicyName)))
      .map((p) => ({ value: policyKey(type, p.PolicyName), label: p.PolicyName, title: p.PolicyName }));
  return (
    <Select
      showSearch={{ optionFilterProp: 'label' }}
      allowClear
      loading={loading}
      style={{ minWidth: 320 }}
      placeholder={t('ram.attach.pickPolicy')}
      value={value}
      onChange={(v: string | undefined) => onChange(v)}
      data-testid="policy-select"
      options={[
        { label: t('ram.policies.typeCustom'), options: group('Custom') },
        { label: t('ram.policies.typeSystem'), options: group('System') },
      ]}
    />
  );
}
