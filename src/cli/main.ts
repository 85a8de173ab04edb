#!/usr/bin/env node
import { Command, CommanderError } from 'commander';
import { registerAdminCommands } from './admin-command.js';
import { registerAgentCommand } from './agent-command.js';
import { registerServerCommand } from './server-command.js';
import { registerScanCommand } from './scan-command.js';
import { registerVulndbCommand } from './vulndb-command.js';
import { vigilVersion } from './version.js';

export function buildProgram(): Command {
  const program = new Command();
  program
    .name('vigil')
    .description('Vigil — self-hosted cloud security center (server + Linux agent, Alibaba Sas-compatible API)')
    .version(vigilVersion(), '-v, --version')
    .showHelpAfterError()
    .exitOverride();
  registerServerCommand(program);
  registerAdminCommands(program);
  registerAgentCommand(program);
  registerScanCommand(program);
  registerVulndbCommand(program);
  return program;
}

async function main(): Promise<void> {
  try {
    await buildProgram().parseAsync(process.argv);
  } catch (err) {
    if (err instanceof CommanderError) process.exit(err.exitCode);
    console.error(`vigil: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  }
}

await main();
