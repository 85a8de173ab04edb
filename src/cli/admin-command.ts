import type { Command } from 'commander';
import { ensureRootAccount, resetRootPassword } from '../domain/iam/accounts-service.js';
import { loadConfig } from '../server/config.js';
import { closeServices, createServices } from '../server/services-factory.js';
import type { Services } from '../actions/services.js';

const stderrLog = {
  error: (o: object, m: string) => console.error(m, o),
  warn: (o: object, m: string) => console.error(m, o),
};

async function withServices<T>(home: string | undefined, fn: (s: Services) => Promise<T>): Promise<T> {
  const config = loadConfig({ flags: home ? { home } : {} });
  const services = await createServices(config, stderrLog);
  try {
    return await fn(services);
  } finally {
    await closeServices(services);
  }
}

export function registerAdminCommands(program: Command): void {
  const admin = program.command('admin').description('administer a Vigil installation directly through its database (works while the server runs)');

  admin
    .command('create-accesskey')
    .description('create an AccessKey for the root account and print it (the secret is shown only now)')
    .option('--home <dir>', 'data directory (VIGIL_HOME), default ./var')
    .option('--json', 'print {"AccessKeyId","AccessKeySecret"} as JSON')
    .action(async (f: { home?: string; json?: boolean }) => {
      await withServices(f.home, async (s) => {
        const root = await ensureRootAccount(s.store.db);
        if (root.createdPassword) console.error(`Vigil admin account created: user "root", password "${root.createdPassword}" (shown once)`);
        const { view, secret } = await s.accessKeys.create(root.accountId, root.rootUserId);
        if (f.json) console.log(JSON.stringify({ AccessKeyId: view.AccessKeyId, AccessKeySecret: secret }));
        else console.log(`AccessKeyId:     ${view.AccessKeyId}\nAccessKeySecret: ${secret}\n(store the secret now: it cannot be shown again)`);
      });
    });

  admin
    .command('reset-password')
    .description("set a new generated password for the root account, unlock it and end its console sessions")
    .option('--home <dir>', 'data directory (VIGIL_HOME), default ./var')
    .action(async (f: { home?: string }) => {
      await withServices(f.home, async (s) => {
        const password = await resetRootPassword(s.store.db);
        console.log(`New password for user "root": ${password}`);
      });
    });
}
