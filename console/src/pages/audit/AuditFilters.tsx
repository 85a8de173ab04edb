import { SearchOutlined } from '@ant-design/icons';
import { Button, DatePicker, Form, Input } from 'antd';
import { useTranslation } from 'react-i18next';
import type { AuditFilterValues } from './audit-query.js';

/** What the date picker hands back (a dayjs object); only its ISO form is needed. */
interface PickedTime {
  toISOString(): string;
}

interface FormValues {
  eventName?: string;
  userName?: string;
  range?: [PickedTime | null, PickedTime | null] | null;
}

export function AuditFilters({ loading, onSearch }: { loading: boolean; onSearch: (filters: AuditFilterValues) => void }) {
  const { t } = useTranslation();
  const [form] = Form.useForm<FormValues>();

  function submit(values: FormValues) {
    onSearch({
      eventName: values.eventName,
      userName: values.userName,
      startTime: values.range?.[0]?.toISOString(),
      endTime: values.range?.[1]?.toISOString(),
    });
  }

  return (
    <Form<FormValues> form={form} layout="inline" onFinish={submit} style={{ marginBottom: 16, rowGap: 8 }} data-testid="audit-filters">
      <Form.Item name="eventName" label={t('audit.filterEventName')}>
        <Input allowClear placeholder="CreateAccessKey" data-testid="audit-filter-event-name" />
      </Form.Item>
      <Form.Item name="userName" label={t('audit.filterUserName')}>
        <Input allowClear placeholder="root" data-testid="audit-filter-user-name" />
      </Form.Item>
      <Form.Item name="range" label={t('audit.filterTimeRange')}>
        <DatePicker.RangePicker showTime allowEmpty={[true, true]} />
      </Form.Item>
      <Form.Item>
        <Button type="primary" htmlType="submit" icon={<SearchOutlined />} loading={loading} data-testid="audit-search">
          {t('audit.search')}
        </Button>
      </Form.Item>
      <Form.Item>
        <Button
          onClick={() => {
            form.resetFields();
            onSearch({});
          }}
        >
          {t('audit.reset')}
        </Button>
      </Form.Item>
    </Form>
  );
}
