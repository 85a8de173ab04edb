import { Alert, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import type { PolicyErrorItem, PolicyWarningItem } from './ram-types.js';

/** The server's message usually repeats the path; show it once. */
function withoutPath(e: PolicyErrorItem): string {
  return e.path && e.message.startsWith(`${e.path}: `) ? e.message.slice(e.path.length + 2) : e.message;
}

/** Validation errors (document refused) and warnings (document saved) next to the policy editor. */
export function PolicyIssues({ errors, message, warnings }: { errors: PolicyErrorItem[]; message?: string; warnings: PolicyWarningItem[] }) {
  const { t } = useTranslation();
  return (
    <>
      {errors.length > 0 || message ? (
        <Alert
          type="error"
          showIcon
          role="alert"
          data-testid="policy-errors"
          style={{ marginBottom: 12 }}
          title={t('ram.policies.invalidDocument')}
          description={
            errors.length > 0 ? (
              <ul style={{ margin: 0, paddingInlineStart: 18 }}>
                {errors.map((e, i) => (
                  <li key={`${e.path}-${i}`} data-testid="policy-error">
                    <Typography.Text code>{e.path || '$'}</Typography.Text> {withoutPath(e)}
                  </li>
                ))}
              </ul>
            ) : (
              message
            )
          }
        />
      ) : null}
      {warnings.length > 0 ? (
        <Alert
          type="warning"
          showIcon
          data-testid="policy-warnings"
          style={{ marginBottom: 12 }}
          title={t('ram.policies.savedWithWarnings')}
          description={
            <ul style={{ margin: 0, paddingInlineStart: 18 }}>
              {warnings.map((w, i) => (
                <li key={`${w.Path}-${i}`}>
                  <Typography.Text code>{w.Path}</Typography.Text> {w.Message}
                </li>
              ))}
            </ul>
          }
        />
      ) : null}
    </>
  );
}
