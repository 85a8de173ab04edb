import { realpathSync } from 'node:fs';
import type { Command } from 'commander';
import { AGENT_V8_FLAGS, registerAgentCommands } from '../agent/commands.js';

/** `vigil agent run|install|supervise|status|doctor|emit|uninstall` — the same commands as the agent bundle. */
export function registerAgentCommand(program: Command): void {
  const agent = program.command('agent').description('the Vigil agent on this host: run, install, status, doctor, uninstall');
  const script = realpathSync(process.argv[1] as string);
  registerAgentCommands(agent, [process.execPath, ...AGENT_V8_FLAGS, ...process.execArgv, script, 'agent']);
}
