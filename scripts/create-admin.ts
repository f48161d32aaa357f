// `npm run console:admin -- <username>`: creates a console admin in the configured database.
// The password comes from CONSOLE_ADMIN_PASSWORD or is read from standard input (never a default,
// never an argument: arguments end up in shell history and process lists).
import readline from 'node:readline';
import { NewPasswordSchema, UsernameSchema } from '@onevisit/shared-types';
import { loadConfig } from '../bff/src/config';
import { createContainer } from '../bff/src/container';
import { createLogger } from '../bff/src/logger';

async function readPassword(): Promise<string> {
  if (process.env.CONSOLE_ADMIN_PASSWORD) return process.env.CONSOLE_ADMIN_PASSWORD;
  const rl = readline.createInterface({ input: process.stdin, output: process.stderr, terminal: false });
  process.stderr.write('password (≥ 12 characters, letters and digits): ');
  const line = await new Promise<string>((resolve) => rl.once('line', resolve));
  rl.close();
  return line.trim();
}

async function main() {
  const username = UsernameSchema.safeParse(process.argv[2] ?? '');
  if (!username.success) throw new Error('usage: npm run console:admin -- <username> (3–32 lower-case letters, digits, . _ -)');
  const password = NewPasswordSchema.safeParse(await readPassword());
  if (!password.success) throw new Error(password.error.issues[0].message);
  const config = loadConfig();
  const container = await createContainer(config, createLogger('warn'));
  try {
    await container.database.migrate();
    const created = await container.staff.createAdmin(username.data, password.data);
    console.log(created ? `created admin ${username.data}` : `${username.data} exists already; nothing changed`);
    if (!created) process.exitCode = 1;
  } finally {
    await container.close();
  }
}

main().catch((err) => {
  console.error(`create-admin failed: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
