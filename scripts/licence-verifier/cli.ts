/*
 * OneVisit e-licence offline verifier, command line.
 *
 *   npx tsx scripts/licence-verifier/cli.ts fetch-keys --url https://…/.well-known/jwks.json --out keys.json
 *   npx tsx scripts/licence-verifier/cli.ts verify --keys keys.json [--issuer onevisit-430000] [--url …] <token | ->
 *
 * Prints one JSON object on stdout. Exit code: 0 verified / keys fetched, 1 refused or failed,
 * 2 wrong usage. `verify` never calls the platform when the token's key is in keys.json; with
 * --url it fetches (and updates keys.json) only for a key id it does not hold.
 */
import fs from 'node:fs';
import { OfflineVerifier } from './verifier';

const USAGE = `usage:
  cli.ts fetch-keys --url <jwks url> --out <keys.json>
  cli.ts verify --keys <keys.json> [--issuer <iss>] [--url <jwks url>] [--now <ISO time>] <token | ->   (- reads the token from stdin)`;

const DEFAULT_ISSUER = 'onevisit-430000';

class UsageError extends Error {}

function parseArgs(argv: string[]): { command: string | undefined; flags: Map<string, string>; positional: string[] } {
  const [command, ...rest] = argv;
  const flags = new Map<string, string>();
  const positional: string[] = [];
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i];
    if (arg.startsWith('--')) {
      const eq = arg.indexOf('=');
      if (eq > 0) flags.set(arg.slice(2, eq), arg.slice(eq + 1));
      else {
        const value = rest[++i];
        if (value === undefined) throw new UsageError(`${arg} needs a value`);
        flags.set(arg.slice(2), value);
      }
    } else positional.push(arg);
  }
  return { command, flags, positional };
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function print(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

export async function main(argv: string[]): Promise<number> {
  const { command, flags, positional } = parseArgs(argv);
  if (command === 'fetch-keys') {
    const url = flags.get('url');
    const out = flags.get('out');
    if (!url || !out) throw new UsageError('fetch-keys needs --url and --out');
    const verifier = new OfflineVerifier({ jwksUrl: url, cacheFile: out, issuer: flags.get('issuer') ?? DEFAULT_ISSUER });
    try {
      const { keys } = await verifier.refreshKeys();
      print({ ok: true, out, kids: keys.map((k) => k.kid) });
      return 0;
    } catch (err) {
      print({ ok: false, code: 'KEYS_UNAVAILABLE', message: err instanceof Error ? err.message : String(err) });
      return 1;
    }
  }
  if (command === 'verify') {
    const keysFile = flags.get('keys');
    const url = flags.get('url');
    if (!keysFile && !url) throw new UsageError('verify needs --keys (and/or --url)');
    if (positional.length !== 1) throw new UsageError('verify takes one token, or - to read it from stdin');
    const nowFlag = flags.get('now');
    const now = nowFlag ? new Date(nowFlag) : new Date();
    if (Number.isNaN(now.getTime())) throw new UsageError('--now must be an ISO date-time');
    if (keysFile && !url && !fs.existsSync(keysFile)) {
      print({ ok: false, code: 'KEYS_UNAVAILABLE', message: `${keysFile} does not exist: run fetch-keys first` });
      return 1;
    }
    const token = positional[0] === '-' ? await readStdin() : positional[0];
    const verifier = new OfflineVerifier({ cacheFile: keysFile, jwksUrl: url, issuer: flags.get('issuer') ?? DEFAULT_ISSUER });
    const result = await verifier.verify(token, now);
    print(result.ok ? { ...result, expiresAt: result.expiresAt.toISOString(), note: 'offline: signature and expiry checked, status as at presentation; single use and revocation need the online API' } : result);
    return result.ok ? 0 : 1;
  }
  throw new UsageError(command ? `unknown command ${command}` : 'no command');
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (err: unknown) => {
      if (err instanceof UsageError) {
        process.stderr.write(`${err.message}\n${USAGE}\n`);
        process.exit(2);
      }
      process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
      process.exit(1);
    },
  );
}
