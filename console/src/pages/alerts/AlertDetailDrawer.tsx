import { Alert, Button, Descriptions, Drawer, Steps, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { detailsOf, type SuspEvent } from './alert-api.js';
import { alertName } from './alert-names.js';
import { AlertLevelTag, AlertStatusTag } from './AlertTags.js';
import { EvidenceView } from './EvidenceView.js';

/** One alert: the process chain (shell first, then its ancestors), fds, network peer and relay hops. */
export function AlertDetailDrawer({ alert, onClose, onHandle }: { alert: SuspEvent | undefined; onClose: () => void; onHandle: (a: SuspEvent) => void }) {
  const { t, i18n } = useTranslation();
  const d = alert ? detailsOf(alert) : {};
  return (
    <Drawer
      open={alert !== undefined}
      onClose={onClose}
      width={720}
      title={alert ? alertName(alert.Name, i18n.language) : undefined}
      destroyOnHidden
      extra={
        alert && (alert.EventStatus === 1 || alert.EventStatus === 16) ? (
          <Button type="primary" danger onClick={() => onHandle(alert)} data-testid="alert-drawer-handle">
            {t('alerts.handleNow')}
          </Button>
        ) : null
      }
    >
      {alert ? (
        <div data-testid="alert-detail">
          {alert.OperateErrorCode ? <Alert type="error" showIcon style={{ marginBottom: 16 }} message={t('alerts.operationFailed')} description={alert.OperateMsg} /> : null}
          <Descriptions column={1} bordered size="small">
            <Descriptions.Item label={t('alerts.level')}>
              <AlertLevelTag level={alert.Level} />
            </Descriptions.Item>
            <Descriptions.Item label={t('alerts.status')}>
              <AlertStatusTag status={alert.EventStatus} />
            </Descriptions.Item>
            <Descriptions.Item label={t('alerts.host')}>{`${alert.InstanceName || alert.Uuid} ${alert.IntranetIp}`}</Descriptions.Item>
            <Descriptions.Item label={t('alerts.count')}>{alert.Count}</Descriptions.Item>
            <Descriptions.Item label={t('alerts.rule.ruleId')}>
              <Typography.Text code>{alert.RuleId}</Typography.Text>
            </Descriptions.Item>
            {d.peer ? (
              <Descriptions.Item label={t('alerts.peer')}>
                <span data-testid="alert-peer">{`${d.peer.proto} ${d.peer.remoteAddress}:${d.peer.remotePort} (${t('alerts.localPort')} ${d.peer.localPort})`}</span>
              </Descriptions.Item>
            ) : null}
            {d.fds?.length ? <Descriptions.Item label={t('alerts.fds')}>{d.fds.map((f) => `${f.fd} → ${f.target}`).join(', ')}</Descriptions.Item> : null}
            {d.via?.length ? <Descriptions.Item label={t('alerts.relay')}>{d.via.map((h) => `${h.link} ${h.resource} → ${h.comm}(${h.pid})`).join(', ')}</Descriptions.Item> : null}
            {d.file?.path ? <Descriptions.Item label={t('alerts.file')}>{d.file.path}</Descriptions.Item> : null}
            {d.uid !== undefined ? <Descriptions.Item label={t('alerts.user')}>{`uid ${d.uid}`}</Descriptions.Item> : null}
            {alert.MarkMisRules ? <Descriptions.Item label={t('alerts.whitelist')}>{alert.MarkMisRules}</Descriptions.Item> : null}
            {alert.OperateMsg && !alert.OperateErrorCode ? <Descriptions.Item label={t('alerts.operateMsg')}>{alert.OperateMsg}</Descriptions.Item> : null}
            <Descriptions.Item label={t('alerts.evidence')}>
              <EvidenceView text={d.evidence ?? alert.Desc} />
            </Descriptions.Item>
          </Descriptions>
          {d.processChain?.length ? (
            <>
              <Typography.Title level={5} style={{ marginTop: 16 }}>
                {t('alerts.chain')}
              </Typography.Title>
              <Steps
                direction="vertical"
                size="small"
                current={-1}
                data-testid="alert-chain"
                items={d.processChain.map((p) => ({ title: `${p.comm} (pid ${p.pid})`, description: <Typography.Text code>{p.cmdline.join(' ') || `[${p.comm}]`}</Typography.Text> }))}
              />
            </>
          ) : null}
        </div>
      ) : null}
    </Drawer>
  );
}
