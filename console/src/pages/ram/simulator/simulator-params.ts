/** What the simulator form holds (all text as typed). */
export interface SimulatorInput {
  mode: 'user' | 'custom';
  userName?: string | undefined;
  /** One policy document, or a JSON array of them. */
  documents?: string | undefined;
  /** One action per line; a bare name such as `DescribeVulList` means `yundun-sas:DescribeVulList`. */
  actions: string;
  resource?: string | undefined;
  sourceIp?: string | undefined;
  mfaPresent: boolean;
  /** ISO 8601; empty means "now" on the server. */
  currentTime?: string | undefined;
}

export type SimulateCall =
  | { ok: true; action: 'SimulatePrincipalPolicy' | 'SimulateCustomPolicy'; params: Record<string, string> }
  | { ok: false; field: 'userName' | 'documents' | 'actions' | 'currentTime'; errorKey: string };

const DEFAULT_SERVICE = 'yundun-sas';

export function actionList(text: string): string[] {
  const seen = new Set<string>();
  for (const line of text.split(/\r?\n/)) {
    const name = line.trim();
    if (name === '') continue;
    seen.add(name.includes(':') ? name : `${DEFAULT_SERVICE}:${name}`);
  }
  return [...seen];
}

function documentList(text: string): unknown[] | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
  if (Array.isArray(parsed)) return parsed.length > 0 ? parsed : undefined;
  return typeof parsed === 'object' && parsed !== null ? [parsed] : undefined;
}

/** Turns the form into a SimulatePrincipalPolicy / SimulateCustomPolicy call, or names the bad field. */
export function buildSimulateCall(input: SimulatorInput): SimulateCall {
  const actions = actionList(input.actions);
  if (actions.length === 0) return { ok: false, field: 'actions', errorKey: 'ram.simulator.errorNoActions' };
  const context: Record<string, string> = { 'acs:MFAPresent': input.mfaPresent ? 'true' : 'false' };
  const ip = input.sourceIp?.trim();
  if (ip) context['acs:SourceIp'] = ip;
  const time = input.currentTime?.trim();
  if (time) {
    const date = new Date(time);
    if (Number.isNaN(date.getTime())) return { ok: false, field: 'currentTime', errorKey: 'ram.simulator.errorTime' };
    context['acs:CurrentTime'] = date.toISOString();
  }
  const common = { ActionNames: JSON.stringify(actions), ResourceArn: input.resource?.trim() || '*', ContextEntries: JSON.stringify(context) };
  if (input.mode === 'user') {
    const userName = input.userName?.trim();
    if (!userName) return { ok: false, field: 'userName', errorKey: 'ram.simulator.errorNoUser' };
    return { ok: true, action: 'SimulatePrincipalPolicy', params: { UserName: userName, ...common } };
  }
  const docs = documentList(input.documents ?? '');
  if (!docs) return { ok: false, field: 'documents', errorKey: 'ram.simulator.errorDocuments' };
  return { ok: true, action: 'SimulateCustomPolicy', params: { PolicyDocuments: JSON.stringify(docs), ...common } };
}
