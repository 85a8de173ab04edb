import { Alert, Collapse, Descriptions, Empty, List, Space, Tag, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { codeKey, LEVEL_COLORS, type TraceItem, type TraceReportResponse } from './trace-api.js';

function LevelTag({ level }: { level: string }) {
  const { t } = useTranslation();
  return <Tag color={LEVEL_COLORS[level] ?? 'default'}>{t(`traces.level.${level}`, { defaultValue: level })}</Tag>;
}

function ItemRow({ item }: { item: TraceItem }) {
  const { t } = useTranslation();
  const evidence = Object.entries(item.Evidence).filter(([, v]) => v !== '');
  return (
    <List.Item data-testid="trace-item">
      <Space direction="vertical" size={4} style={{ width: '100%' }}>
        <Space wrap>
          <LevelTag level={item.Level} />
          <Typography.Text strong code>{item.Title}</Typography.Text>
        </Space>
        <Typography.Text data-testid="trace-explanation">{t(codeKey(item.Code), { defaultValue: item.Explanation })}</Typography.Text>
        {evidence.length > 0 ? (
          <Descriptions size="small" column={1} bordered>
            {evidence.map(([k, v]) => (
              <Descriptions.Item key={k} label={k}>
                <Typography.Text style={{ wordBreak: 'break-all' }}>{String(v)}</Typography.Text>
              </Descriptions.Item>
            ))}
          </Descriptions>
        ) : null}
      </Space>
    </List.Item>
  );
}

export function TraceReportView({ data }: { data: TraceReportResponse }) {
  const { t } = useTranslation();
  const { Task: task, Report: report } = data;
  if (task.Status === 'Processing') return <Alert type="info" showIcon message={t('traces.running')} data-testid="trace-running" />;
  if (!report) return <Alert type="error" showIcon message={t('traces.failed', { error: task.Error || task.Status })} data-testid="trace-failed" />;
  return (
    <>
      <Space wrap style={{ marginBottom: 12 }} data-testid="trace-summary">
        <Typography.Text>{t('traces.reportFor', { host: report.Hostname, time: new Date(report.GeneratedAt).toLocaleString() })}</Typography.Text>
        <LevelTag level={report.Level} />
        <Tag color="red">{t('traces.count.serious', { n: task.SeriousCount })}</Tag>
        <Tag color="orange">{t('traces.count.suspicious', { n: task.SuspiciousCount })}</Tag>
        <Tag color="blue">{t('traces.count.info', { n: task.InfoCount })}</Tag>
      </Space>
      {report.Unreadable.length > 0 ? <Alert type="warning" showIcon style={{ marginBottom: 12 }} message={t('traces.unreadable', { list: report.Unreadable.join(', ') })} /> : null}
      <Collapse
        data-testid="trace-sections"
        defaultActiveKey={report.Sections.filter((s) => s.Level !== 'info').map((s) => s.Id)}
        items={report.Sections.map((s) => ({
          key: s.Id,
          label: (
            <Space data-testid={`trace-section-${s.Id}`}>
              <span>{t(`traces.section.${s.Id.replace(/-/g, '_')}`, { defaultValue: s.Title })}</span>
              <LevelTag level={s.Level} />
              <Tag>{s.Items.length}</Tag>
              {s.Truncated ? <Tag>{t('traces.truncated')}</Tag> : null}
            </Space>
          ),
          children: (
            <>
              <Typography.Paragraph type="secondary">{t(`traces.sectionHelp.${s.Id.replace(/-/g, '_')}`)}</Typography.Paragraph>
              {s.Items.length === 0 ? <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('traces.nothingFound')} /> : <List size="small" dataSource={s.Items} renderItem={(i) => <ItemRow item={i} />} />}
            </>
          ),
        }))}
      />
    </>
  );
}
