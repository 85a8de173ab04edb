import { Button, Card, Col, Form, Input, Radio, Row, Select, Switch } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { callAction } from '../../../api/client.js';
import { PageHeader } from '../../../components/PageHeader.js';
import { useApiErrorHandler } from '../../../components/use-api-error.js';
import type { EvaluationResult, ListUsersResponse, RamUser, SimulateResponse } from '../shared/ram-types.js';
import { useActionData } from '../../../components/use-action-data.js';
import { buildSimulateCall, type SimulatorInput } from './simulator-params.js';
import { SimulatorResults } from './SimulatorResults.js';

const MONO = { fontFamily: 'ui-monospace, SFMono-Regular, Menlo, Consolas, monospace', fontSize: 13 };

/** Policy simulator: a user's policies or pasted documents × actions, a resource and a context. */
export function SimulatorPage() {
  const { t } = useTranslation();
  const onError = useApiErrorHandler();
  const [form] = Form.useForm<SimulatorInput>();
  const mode = Form.useWatch('mode', form) ?? 'user';
  const users = useActionData<ListUsersResponse, RamUser[]>('ListUsers', { MaxItems: 1000 }, (r) => r.Users.User, []);
  const [results, setResults] = useState<EvaluationResult[] | undefined>();
  const [running, setRunning] = useState(false);

  async function run(values: SimulatorInput) {
    const call = buildSimulateCall(values);
    if (!call.ok) {
      form.setFields([{ name: call.field, errors: [t(call.errorKey)] }]);
      return;
    }
    setRunning(true);
    try {
      setResults((await callAction<SimulateResponse>(call.action, call.params)).EvaluationResults);
    } catch (error) {
      onError(error);
    } finally {
      setRunning(false);
    }
  }

  return (
    <>
      <PageHeader title={t('ram.simulator.title')} intro={t('ram.simulator.intro')} />
      <Row gutter={[16, 16]}>
        <Col xs={24} xxl={10}>
          <Card>
            <Form<SimulatorInput>
              form={form}
              layout="vertical"
              initialValues={{ mode: 'user', resource: '*', mfaPresent: false, actions: '' }}
              onFinish={(v) => void run(v)}
            >
              <Form.Item name="mode" label={t('ram.simulator.principal')}>
                <Radio.Group
                  optionType="button"
                  options={[
                    { value: 'user', label: t('ram.simulator.modeUser') },
                    { value: 'custom', label: t('ram.simulator.modeCustom') },
                  ]}
                />
              </Form.Item>
              {mode === 'user' ? (
                <Form.Item name="userName" label={t('ram.simulator.user')}>
                  <Select
                    showSearch={{ optionFilterProp: 'label' }}
                    loading={users.loading}
                    placeholder={t('ram.simulator.pickUser')}
                    data-testid="simulator-user"
                    options={users.data.map((u) => ({ value: u.UserName, label: u.UserName }))}
                  />
                </Form.Item>
              ) : (
                <Form.Item name="documents" label={t('ram.simulator.documents')} extra={t('ram.simulator.documentsHint')}>
                  <Input.TextArea rows={8} spellCheck={false} style={MONO} data-testid="simulator-documents" />
                </Form.Item>
              )}
              <Form.Item name="actions" label={t('ram.simulator.actions')} extra={t('ram.simulator.actionsHint')}>
                <Input.TextArea rows={5} spellCheck={false} style={MONO} placeholder={'yundun-sas:DescribeCloudCenterInstances\nyundun-sas:DescribeSummaryInfo'} data-testid="simulator-actions" />
              </Form.Item>
              <Form.Item name="resource" label={t('ram.simulator.resource')}>
                <Input style={MONO} data-testid="simulator-resource" />
              </Form.Item>
              <Row gutter={12}>
                <Col span={12}>
                  <Form.Item name="sourceIp" label={t('ram.simulator.sourceIp')}>
                    <Input placeholder="10.1.2.3" data-testid="simulator-source-ip" />
                  </Form.Item>
                </Col>
                <Col span={12}>
                  <Form.Item name="mfaPresent" label={t('ram.simulator.mfaPresent')} valuePropName="checked">
                    <Switch checkedChildren={t('ram.common.yes')} unCheckedChildren={t('ram.common.no')} data-testid="simulator-mfa" />
                  </Form.Item>
                </Col>
              </Row>
              <Form.Item name="currentTime" label={t('ram.simulator.currentTime')} extra={t('ram.simulator.currentTimeHint')}>
                <Input placeholder="2026-12-04T10:00:00Z" data-testid="simulator-time" />
              </Form.Item>
              <Button type="primary" htmlType="submit" loading={running} data-testid="simulator-run">
                {t('ram.simulator.run')}
              </Button>
            </Form>
          </Card>
        </Col>
        <Col xs={24} xxl={14}>
          <Card title={t('ram.simulator.results')}>{results ? <SimulatorResults results={results} /> : t('ram.simulator.noResults')}</Card>
        </Col>
      </Row>
    </>
  );
}
