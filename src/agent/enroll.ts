import { fetchVia, type DialOptions } from './dial.js';
import type { HostFacts } from './protocol.js';
import { hostFacts } from './host-facts.js';

export class EnrollRefused extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'EnrollRefused';
  }
}

/** POST /agent/enroll {code, hostFacts} → this host's own credential. */
export async function enroll(server: string, code: string, dialOpts: DialOptions = {}, facts: HostFacts = hostFacts()): Promise<{ agentId: string; agentSecret: string }> {
  const url = `${server.replace(/\/+$/, '')}/agent/enroll`;
  const res = await fetchVia(url, { ...dialOpts, method: 'POST', json: { code, hostFacts: facts } });
  let body: { agentId?: string; agentSecret?: string; Code?: string; Message?: string };
  try {
    body = JSON.parse(res.body) as typeof body;
  } catch {
    throw new EnrollRefused('BadResponse', `enrollment at ${url} answered HTTP ${res.status} without JSON; is this a Vigil server?`);
  }
  if (res.status !== 200 || !body.agentId || !body.agentSecret) {
    throw new EnrollRefused(body.Code ?? `HTTP${res.status}`, `enrollment refused: ${body.Message ?? `HTTP ${res.status}`}`);
  }
  return { agentId: body.agentId, agentSecret: body.agentSecret };
}
