import { Button, Flex, Input, Radio, Select } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { SEARCH_FIELDS, type AssetFilters, type AssetGroup } from './asset-api.js';

export function AssetSearchBar({ groups, loading, onSearch }: { groups: AssetGroup[]; loading: boolean; onSearch: (f: AssetFilters) => void }) {
  const { t } = useTranslation();
  const [f, setF] = useState<AssetFilters>({ field: 'instanceName', text: '', logicalExp: 'AND' });
  const update = (patch: Partial<AssetFilters>) => setF((prev) => ({ ...prev, ...patch }));
  return (
    <Flex gap={8} wrap align="center" style={{ marginBottom: 16 }}>
      <Select
        value={f.field}
        style={{ width: 150 }}
        onChange={(field) => update({ field })}
        options={SEARCH_FIELDS.map((name) => ({ value: name, label: t(`assets.field.${name}`) }))}
        data-testid="assets-search-field"
      />
      <Input
        value={f.text}
        placeholder={t('assets.searchPlaceholder')}
        style={{ width: 240 }}
        onChange={(e) => update({ text: e.target.value })}
        onPressEnter={() => onSearch(f)}
        allowClear
        data-testid="assets-search-text"
      />
      <Select
        allowClear
        value={f.clientStatus}
        placeholder={t('assets.columnStatus')}
        style={{ width: 130 }}
        onChange={(clientStatus?: string) => update({ clientStatus })}
        options={['online', 'offline', 'pause'].map((s) => ({ value: s, label: t(`assets.status.${s}`) }))}
        data-testid="assets-filter-status"
      />
      <Select
        allowClear
        value={f.importance}
        placeholder={t('assets.columnImportance')}
        style={{ width: 130 }}
        onChange={(importance?: number) => update({ importance })}
        options={[2, 1, 0].map((v) => ({ value: v, label: t(`assets.importance.${v}`) }))}
        data-testid="assets-filter-importance"
      />
      <Select
        allowClear
        value={f.groupId}
        placeholder={t('assets.columnGroup')}
        style={{ width: 150 }}
        onChange={(groupId?: number) => update({ groupId })}
        options={groups.map((g) => ({ value: g.GroupId, label: g.GroupName }))}
        data-testid="assets-filter-group"
      />
      <Radio.Group value={f.logicalExp} onChange={(e) => update({ logicalExp: e.target.value as 'AND' | 'OR' })} optionType="button" size="small">
        <Radio.Button value="AND">{t('assets.matchAll')}</Radio.Button>
        <Radio.Button value="OR">{t('assets.matchAny')}</Radio.Button>
      </Radio.Group>
      <Button type="primary" loading={loading} onClick={() => onSearch(f)} data-testid="assets-search">
        {t('assets.search')}
      </Button>
    </Flex>
  );
}
