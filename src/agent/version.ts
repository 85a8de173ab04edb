/** Reported in hello; bumped with the link protocol or agent behaviour. */
export const AGENT_VERSION = '0.1.0';
