import { Input, Table, type TableColumnsType } from 'antd';
import { useCallback, useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { callAction } from '../../api/client.js';
import { useApiErrorHandler } from '../../components/use-api-error.js';
import type { PropertyResponse } from './asset-api.js';

/** One fingerprint list of a host (DescribeProperty*Detail) with server-side paging and a search box. */
export function PropertyTable<T extends object>({
  action,
  uuid,
  searchParam,
  columns,
  rowKey,
  testId,
}: {
  action: string;
  uuid: string;
  searchParam: string;
  columns: TableColumnsType<T>;
  rowKey: (row: T) => string;
  testId: string;
}) {
  const { t } = useTranslation();
  const onError = useApiErrorHandler();
  const [rows, setRows] = useState<T[]>([]);
  const [total, setTotal] = useState(0);
  const [page, setPage] = useState({ current: 1, size: 20 });
  const [search, setSearch] = useState('');
  const [loading, setLoading] = useState(false);
  const generation = useRef(0);

  const load = useCallback(async () => {
    const mine = ++generation.current;
    setLoading(true);
    try {
      const params: Record<string, string | number> = { Uuid: uuid, CurrentPage: page.current, PageSize: page.size };
      if (search.trim() !== '') params[searchParam] = search.trim();
      const r = await callAction<PropertyResponse<T>>(action, params);
      if (mine !== generation.current) return;
      setRows(r.Propertys);
      setTotal(r.PageInfo.TotalCount);
    } catch (error) {
      if (mine === generation.current) onError(error);
    } finally {
      if (mine === generation.current) setLoading(false);
    }
  }, [action, uuid, page, search, searchParam, onError]);

  useEffect(() => {
    void load();
  }, [load]);

  return (
    <>
      <Input.Search
        allowClear
        placeholder={t(`assets.detail.search.${searchParam}`)}
        style={{ width: 280, marginBottom: 12 }}
        onSearch={(v) => {
          setSearch(v);
          setPage((p) => ({ ...p, current: 1 }));
        }}
        data-testid={`${testId}-search`}
      />
      <Table<T>
        size="small"
        rowKey={rowKey}
        columns={columns}
        dataSource={rows}
        loading={loading}
        scroll={{ x: 'max-content' }}
        pagination={{ current: page.current, pageSize: page.size, total, showSizeChanger: true, onChange: (current, size) => setPage({ current, size }) }}
        data-testid={testId}
      />
    </>
  );
}
