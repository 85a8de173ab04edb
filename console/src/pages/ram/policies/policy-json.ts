/** A policy document indented for reading; the text itself when it is not JSON. */
export function prettyPolicy(text: string): string {
  try {
    return JSON.stringify(JSON.parse(text) as unknown, null, 2);
  } catch {
    return text;
  }
}

export const POLICY_TEMPLATE = prettyPolicy(
  JSON.stringify({ Version: '1', Statement: [{ Effect: 'Allow', Action: ['yundun-sas:Describe*'], Resource: '*' }] }),
);
