#!/usr/bin/env node
import { realpathSync } from 'node:fs';
import { Command, CommanderError } from 'commander';
import { AGENT_V8_FLAGS, registerAgentCommands } from './commands.js';
import { EnrollRefused } from './enroll.js';
import { AGENT_VERSION } from './version.js';

/** Entry of the standalone agent bundle (`node vigil-agent.mjs run …`), built by scripts/build-agent.mjs. */
async function main(): Promise<void> {
  const script = realpathSync(process.argv[1] as string);
  // Run from source (tsx) the loader must come along when the supervisor restarts us.
  const self = script.endsWith('.ts') ? [process.execPath, ...process.execArgv, script] : [process.execPath, ...AGENT_V8_FLAGS, script];
  const program = new Command();
  program.name('vigil-agent').description('Vigil security agent').version(AGENT_VERSION, '-v, --version').showHelpAfterError().exitOverride();
  registerAgentCommands(program, self);
  try {
    await program.parseAsync(process.argv);
  } catch (err) {
    if (err instanceof CommanderError) process.exit(err.exitCode);
    console.error(`vigil-agent: ${err instanceof EnrollRefused ? err.message : err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  }
}

await main();
