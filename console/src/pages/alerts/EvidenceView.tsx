import { Tag, Typography } from 'antd';
import { useTranslation } from 'react-i18next';

const HIT = /^@(\d+): (.*)$/;

/**
 * An alert's evidence text. Content-scan alerts (webshells) carry `@offset: excerpt` lines: each is
 * shown as the byte offset and the matched code, highlighted; other lines are plain text.
 */
export function EvidenceView({ text }: { text: string }) {
  const { t } = useTranslation();
  const lines = text.split('\n');
  return (
    <div data-testid="alert-evidence" style={{ whiteSpace: 'pre-wrap' }}>
      {lines.map((line, i) => {
        const m = HIT.exec(line);
        if (!m) return <div key={i}>{line}</div>;
        return (
          <div key={i} style={{ marginTop: 4 }}>
            <Tag>{t('alerts.evidenceOffset', { offset: Number(m[1]) })}</Tag>
            <Typography.Text code mark data-testid="alert-evidence-hit" style={{ wordBreak: 'break-all' }}>
              {m[2]}
            </Typography.Text>
          </div>
        );
      })}
    </div>
  );
}
