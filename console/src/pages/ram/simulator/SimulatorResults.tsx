import { Table, Tag, Typography, type TableColumnsType } from 'antd';
import { useTranslation } from 'react-i18next';
import type { Decision, EvaluationResult } from '../shared/ram-types.js';

const DECISION_COLOR: Record<Decision, string> = { Allow: 'green', ExplicitDeny: 'red', ImplicitDeny: 'orange' };

/** One row per action: the decision and the statements that decided it. */
export function SimulatorResults({ results }: { results: EvaluationResult[] }) {
  const { t } = useTranslation();
  const columns: TableColumnsType<EvaluationResult> = [
    { title: t('ram.simulator.action'), dataIndex: 'ActionName', key: 'action', render: (v: string) => <Typography.Text code>{v}</Typography.Text> },
    {
      title: t('ram.simulator.decision'),
      dataIndex: 'Decision',
      key: 'decision',
      render: (d: Decision, row) => (
        <Tag color={DECISION_COLOR[d]} data-testid={`decision-${row.ActionName}`}>
          {d}
        </Tag>
      ),
    },
    {
      title: t('ram.simulator.statements'),
      key: 'statements',
      render: (_: unknown, row) =>
        row.MatchedStatements.length === 0 ? (
          <Typography.Text type="secondary">{t('ram.simulator.noStatement')}</Typography.Text>
        ) : (
          row.MatchedStatements.map((m) => (
            <div key={`${m.PolicyIndex}-${m.StatementIndex}`}>
              {t('ram.simulator.statementText', { policy: m.PolicyName, type: m.PolicyType, policyIndex: m.PolicyIndex, statementIndex: m.StatementIndex, effect: m.Effect })}
            </div>
          ))
        ),
    },
  ];
  return <Table<EvaluationResult> rowKey="ActionName" size="small" columns={columns} dataSource={results} pagination={false} data-testid="simulator-results" />;
}
