/** RAM's date format: ISO 8601 UTC without milliseconds. */
export const ramDate = (ms: number | null | undefined): string | undefined => (ms ? new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z') : undefined);

const NAME = /^[A-Za-z0-9._@-]{1,64}$/;
const POLICY_NAME = /^[A-Za-z0-9-]{1,128}$/;

export function checkName(kind: 'UserName' | 'GroupName', value: string): string | null {
  return NAME.test(value) ? null : `${kind} "${value.slice(0, 80)}" is invalid: 1–64 characters of letters, digits, ".", "_", "-", "@".`;
}

export function checkPolicyName(value: string): string | null {
  return POLICY_NAME.test(value) ? null : `PolicyName "${value.slice(0, 80)}" is invalid: 1–128 characters of letters, digits and "-".`;
}
