import { Button, Descriptions, Drawer, Tabs } from 'antd';
import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { formatTime } from '../../../util/format-time.js';
import { PolicyTypeTag } from '../shared/PolicyTypeTag.js';
import type { GetPolicyResponse, ListPolicyVersionsResponse, PolicyType, PolicyVersion } from '../shared/ram-types.js';
import { useActionData } from '../../../components/use-action-data.js';
import { prettyPolicy } from './policy-json.js';
import { PolicyVersionsTab } from './PolicyVersionsTab.js';

export interface OpenedPolicy {
  name: string;
  type: PolicyType;
}

/** One policy: its default document and (custom policies) its versions. */
interface PolicyDrawerProps {
  opened: OpenedPolicy | undefined;
  /** Bumped by the page after a save elsewhere (a new version), so the drawer reloads. */
  revision: number;
  onClose: () => void;
  onNewVersion: (name: string, document: string) => void;
  onChange: () => void;
}

export function PolicyDrawer({ opened, revision, onClose, onNewVersion, onChange }: PolicyDrawerProps) {
  const { t, i18n } = useTranslation();
  const params = { PolicyName: opened?.name ?? '', PolicyType: opened?.type ?? 'System' };
  const policy = useActionData<GetPolicyResponse, GetPolicyResponse | undefined>('GetPolicy', params, (r) => r, undefined, opened !== undefined);
  const custom = opened?.type === 'Custom';
  const versions = useActionData<ListPolicyVersionsResponse, PolicyVersion[]>('ListPolicyVersions', { PolicyName: params.PolicyName }, (r) => r.PolicyVersions.PolicyVersion, [], custom);
  const p = policy.data && policy.data.Policy.PolicyName === opened?.name ? policy.data : undefined;
  const { refresh: reloadPolicy } = policy;
  const { refresh: reloadVersions } = versions;
  useEffect(() => {
    if (revision === 0) return;
    void reloadPolicy();
    void reloadVersions();
  }, [revision, reloadPolicy, reloadVersions]);
  const changed = () => {
    void policy.refresh();
    void versions.refresh();
    onChange();
  };
  return (
    <Drawer
      open={opened !== undefined}
      onClose={onClose}
      size={760}
      title={opened?.name}
      destroyOnHidden
      extra={
        custom && p ? (
          <Button type="primary" onClick={() => onNewVersion(p.Policy.PolicyName, prettyPolicy(p.DefaultPolicyVersion.PolicyDocument))} data-testid="policy-new-version">
            {t('ram.policies.newVersion')}
          </Button>
        ) : null
      }
    >
      {p ? (
        <>
          <Descriptions size="small" column={2} style={{ marginBottom: 16 }}>
            <Descriptions.Item label={t('ram.policies.type')}>
              <PolicyTypeTag type={p.Policy.PolicyType} />
            </Descriptions.Item>
            <Descriptions.Item label={t('ram.policies.defaultVersion')}>{p.Policy.DefaultVersion}</Descriptions.Item>
            <Descriptions.Item label={t('ram.policies.attachments')}>{p.Policy.AttachmentCount}</Descriptions.Item>
            <Descriptions.Item label={t('ram.common.updated')}>{formatTime(p.Policy.UpdateDate, i18n.language)}</Descriptions.Item>
            <Descriptions.Item label={t('ram.policies.description')} span={2}>
              {p.Policy.Description}
            </Descriptions.Item>
          </Descriptions>
          <Tabs
            items={[
              {
                key: 'document',
                label: t('ram.policies.document'),
                children: (
                  <pre data-testid="policy-document" style={{ margin: 0, padding: 12, background: '#fafafa', border: '1px solid #f0f0f0', borderRadius: 6, fontSize: 12, overflow: 'auto' }}>
                    {prettyPolicy(p.DefaultPolicyVersion.PolicyDocument)}
                  </pre>
                ),
              },
              ...(custom
                ? [{ key: 'versions', label: t('ram.policies.versions'), children: <PolicyVersionsTab policyName={p.Policy.PolicyName} versions={versions.data} loading={versions.loading} onChange={changed} /> }]
                : []),
            ]}
          />
        </>
      ) : null}
    </Drawer>
  );
}
