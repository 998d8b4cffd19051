import 'reflect-metadata';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { EventBus } from '../src/core/events';
import { loadConfig } from '../src/config';
import { UserDirectory } from '../src/auth/user-directory';
import { AuthStore } from '../src/store/auth/auth-store';
import { newSecret } from '../src/auth/secrets';
import { openStore } from '../src/store/data-source';
import { LoginThrottleStore } from '../src/store/auth/login-throttle-store';
import { normalizeEmail } from '../src/core/identity';

const USAGE = `Usage:
  npm run user -- create --email <email> --role <admin|manager|agent> [--name <name>] [--password <pw>] [--teams a,b]
  npm run user -- list
  npm run user -- unlock <email>          end a sign-in lockout of this account
  npm run user -- unlock --address <ip>   end a sign-in lockout of this client address
Without --password a random one is generated and printed once.`;

/**
 * Manages inbox users from the command line, on the database the hub is configured for
 * (DATABASE_URL, or the embedded one in RAPPORT_DATA_DIR). Returns the lines to print.
 */
export async function runUserCommand(argv: string[], env: NodeJS.ProcessEnv = process.env): Promise<string[]> {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      email: { type: 'string' },
      role: { type: 'string' },
      name: { type: 'string' },
      password: { type: 'string' },
      teams: { type: 'string' },
      address: { type: 'string' },
    },
  });
  const command = positionals[0];
  if (command !== 'create' && command !== 'list' && command !== 'unlock') throw new Error(USAGE);
  if (command === 'unlock' && !positionals[1] === !values.address) throw new Error(USAGE);
  const config = loadConfig(env);
  const store = await openStore({
    databaseUrl: config.DATABASE_URL,
    pgliteDataDir: path.join(config.RAPPORT_DATA_DIR, 'pglite'),
    poolSize: 2,
  });
  try {
    await store.dataSource.runMigrations({ transaction: 'each' });
    const users = new UserDirectory(new AuthStore(store.dataSource, new EventBus(() => undefined)));
    if (command === 'unlock') {
      const [kind, subject] = values.address
        ? (['address', values.address] as const)
        : (['account', positionals[1]] as const);
      const throttles = new LoginThrottleStore(store.dataSource);
      const cleared = await throttles.clear(kind, kind === 'account' ? normalizeEmail(subject) : subject);
      return [cleared ? `Unlocked sign-in for ${subject}` : `No failed sign-ins recorded for ${subject}`];
    }
    if (command === 'list') {
      return (await users.list()).map(
        (u) => `${u.email}\t${u.role}\t${u.teams.join(',')}\t${u.active ? 'active' : 'inactive'}`,
      );
    }
    const role = values.role;
    if (!values.email || (role !== 'admin' && role !== 'manager' && role !== 'agent')) throw new Error(USAGE);
    if (values.password !== undefined && values.password.length < 8)
      throw new Error('--password: must be at least 8 characters');
    const password = values.password ?? newSecret(12);
    const user = await users.create({
      email: values.email,
      role,
      name: values.name,
      password,
      teams: values.teams?.split(',') ?? [],
    });
    const lines = [
      `Created ${user.role} ${user.email}${user.teams.length ? ` (teams: ${user.teams.join(', ')})` : ''}`,
    ];
    if (values.password === undefined) lines.push(`Password (shown once): ${password}`);
    return lines;
  } finally {
    await store.close();
  }
}

if (require.main === module) {
  runUserCommand(process.argv.slice(2)).then(
    (lines) => console.log(lines.join('\n')),
    (error: unknown) => {
      console.error(error instanceof Error ? error.message : error);
      process.exit(1);
    },
  );
}
