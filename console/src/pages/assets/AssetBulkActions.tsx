import { Button, Input, Modal, Select, Space } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { callAction } from '../../api/client.js';
import { useApiErrorHandler } from '../../components/use-api-error.js';
import type { AssetGroup } from './asset-api.js';

type Mode = 'group' | 'tags' | 'importance' | null;

/** Change group, tags or importance of the selected hosts. */
export function AssetBulkActions({ uuids, groups, onDone }: { uuids: string[]; groups: AssetGroup[]; onDone: () => void }) {
  const { t } = useTranslation();
  const onError = useApiErrorHandler();
  const [mode, setMode] = useState<Mode>(null);
  const [groupName, setGroupName] = useState('');
  const [tags, setTags] = useState('');
  const [importance, setImportance] = useState(1);
  const [busy, setBusy] = useState(false);

  const submit = async () => {
    setBusy(true);
    try {
      const list = uuids.join(',');
      if (mode === 'group') {
        const existing = groups.find((g) => g.GroupName === groupName.trim());
        await callAction('CreateOrUpdateAssetGroup', existing ? { GroupId: existing.GroupId, Uuids: list } : { GroupName: groupName.trim(), Uuids: list });
      } else if (mode === 'tags') {
        await callAction('ModifyTagWithUuid', { TagList: tags, UuidList: list });
      } else if (mode === 'importance') {
        await callAction('ModifyAssetImportant', { ImportantCode: importance, UuidList: list });
      }
      setMode(null);
      onDone();
    } catch (error) {
      onError(error);
    } finally {
      setBusy(false);
    }
  };

  const disabled = uuids.length === 0;
  return (
    <>
      <Space>
        <Button disabled={disabled} onClick={() => setMode('group')} data-testid="assets-set-group">
          {t('assets.setGroup')}
        </Button>
        <Button disabled={disabled} onClick={() => setMode('tags')} data-testid="assets-set-tags">
          {t('assets.setTags')}
        </Button>
        <Button disabled={disabled} onClick={() => setMode('importance')} data-testid="assets-set-importance">
          {t('assets.setImportance')}
        </Button>
      </Space>
      <Modal open={mode !== null} title={mode ? t(`assets.${mode === 'group' ? 'setGroup' : mode === 'tags' ? 'setTags' : 'setImportance'}`) : ''} onCancel={() => setMode(null)} onOk={() => void submit()} confirmLoading={busy} okButtonProps={{ 'data-testid': 'assets-bulk-ok' } as Record<`data-${string}`, string>} destroyOnHidden>
        {mode === 'group' ? (
          <Select
            showSearch
            style={{ width: '100%' }}
            value={groupName || undefined}
            placeholder={t('assets.groupPlaceholder')}
            onSearch={setGroupName}
            onChange={(v: string) => setGroupName(v)}
            options={[...groups.map((g) => g.GroupName), ...(groupName && !groups.some((g) => g.GroupName === groupName) ? [groupName] : [])].map((n) => ({ value: n, label: n }))}
            data-testid="assets-group-input"
          />
        ) : null}
        {mode === 'tags' ? <Input value={tags} placeholder={t('assets.tagsPlaceholder')} onChange={(e) => setTags(e.target.value)} data-testid="assets-tags-input" /> : null}
        {mode === 'importance' ? (
          <Select style={{ width: '100%' }} value={importance} onChange={setImportance} options={[2, 1, 0].map((v) => ({ value: v, label: t(`assets.importance.${v}`) }))} data-testid="assets-importance-input" />
        ) : null}
      </Modal>
    </>
  );
}
