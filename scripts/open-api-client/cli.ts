/**
 * Command-line reference client of the OneVisit open API: `npx tsx scripts/open-api-client/cli.ts --help`.
 * Prints JSON (one object per line for streams). Exit code 0 ok, 1 refused by the API, 2 bad usage.
 */
import { readFileSync } from 'node:fs';
import { SIGNATURE_ALGORITHMS, type OpenSubmitRequest, type OpenSupplyMaterialRequest, type SignatureAlgorithm } from '@onevisit/shared-types';
import { OpenApiClient, OpenApiError } from './client';
import { startWebhookReceiver } from './webhookReceiver';

export const USAGE = `OneVisit open API reference client

usage: npx tsx scripts/open-api-client/cli.ts <command> [options]

commands:
  catalog [--cursor c] [--limit n]        one page of catalogue changes (keep nextCursor)
  submit --file request.json              submit a case (OpenSubmitRequest; idempotent by serialNo)
  status <caseNo>                         a case's status and timeline
  by-serial <serialNo>                    the same, found by your serial number
  supply <caseNo> --file material.json    supply a 容缺 material (OpenSupplyMaterialRequest)
  events [--cursor c] [--limit n]         the event feed from a cursor, all pages
         [--follow] [--interval s] [--for s]
                                          --follow keeps polling every --interval seconds (5)
                                          for at most --for seconds (3600)
  receive --port N [--host h] [--path p] [--for s]
                                          run a webhook receiver, print verified events
                                          (at most --for seconds, default 3600)
  verify-licence <token|-> --reason r     verify a licence QR code online (relying parties);
                                          - reads the scanned text from stdin; --reason is the
                                          用证事由 the citizen sees. Never retried (single use)
  read-grant <grantId> --reason r         read a licence the citizen granted you

environment:
  OV_BASE_URL        e.g. https://onevisit.example.gov.cn (without /open/v1)
  OV_APP_ID          your app id
  OV_APP_SECRET      your API secret
  OV_ALGORITHM       HMAC-SHA256 or HMAC-SM3 (as registered)
  OV_WEBHOOK_SECRET  your webhook secret (receive only)
`;

class UsageError extends Error {}

interface Parsed {
  command: string | undefined;
  positional: string[];
  flags: Map<string, string | true>;
}

export function parseArgs(argv: string[]): Parsed {
  const positional: string[] = [];
  const flags = new Map<string, string | true>();
  let command: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg.startsWith('--')) {
      const eq = arg.indexOf('=');
      if (eq > 0) flags.set(arg.slice(2, eq), arg.slice(eq + 1));
      else if (argv[i + 1] !== undefined && !argv[i + 1].startsWith('--') && !['--follow', '--help'].includes(arg)) flags.set(arg.slice(2), argv[++i]);
      else flags.set(arg.slice(2), true);
    } else if (command === undefined) command = arg;
    else positional.push(arg);
  }
  return { command, positional, flags };
}

function flag(parsed: Parsed, name: string): string | undefined {
  const value = parsed.flags.get(name);
  if (value === true) throw new UsageError(`--${name} needs a value`);
  return value;
}

function numberFlag(parsed: Parsed, name: string, fallback: number, min: number, max: number): number {
  const raw = flag(parsed, name);
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || n < min || n > max) throw new UsageError(`--${name} must be a number from ${min} to ${max}`);
  return n;
}

function env(name: string): string {
  const value = process.env[name];
  if (!value) throw new UsageError(`${name} is not set`);
  return value;
}

function algorithm(): SignatureAlgorithm {
  const value = env('OV_ALGORITHM');
  if (!(SIGNATURE_ALGORITHMS as readonly string[]).includes(value)) throw new UsageError(`OV_ALGORITHM must be one of ${SIGNATURE_ALGORITHMS.join(', ')}`);
  return value as SignatureAlgorithm;
}

function client(): OpenApiClient {
  return new OpenApiClient({ baseUrl: env('OV_BASE_URL'), appId: env('OV_APP_ID'), secret: env('OV_APP_SECRET'), algorithm: algorithm() });
}

function readJson<T>(parsed: Parsed): T {
  const file = flag(parsed, 'file');
  if (!file) throw new UsageError('--file is required');
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as T;
  } catch (err) {
    throw new UsageError(`cannot read ${file}: ${err instanceof Error ? err.message : String(err)}`);
  }
}

function one(parsed: Parsed, what: string): string {
  const value = parsed.positional[0];
  if (!value) throw new UsageError(`${what} is required`);
  return value;
}

const print = (value: unknown) => process.stdout.write(`${JSON.stringify(value)}\n`);
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function reason(parsed: Parsed): string {
  const value = flag(parsed, 'reason')?.trim();
  if (!value) throw new UsageError('--reason (用证事由) is required');
  return value;
}

export interface CliIo {
  /** Where `-` reads the token from; default process.stdin. */
  readStdin?: () => Promise<string>;
}

export async function run(argv: string[], io: CliIo = {}): Promise<number> {
  const parsed = parseArgs(argv);
  if (parsed.flags.has('help') || parsed.command === undefined || parsed.command === 'help') {
    process.stdout.write(USAGE);
    return parsed.command === undefined && !parsed.flags.has('help') ? 2 : 0;
  }
  switch (parsed.command) {
    case 'catalog':
      print(await client().syncCatalog(flag(parsed, 'cursor'), numberFlag(parsed, 'limit', 100, 1, 200)));
      return 0;
    case 'submit':
      print(await client().submitCase(readJson<OpenSubmitRequest>(parsed)));
      return 0;
    case 'status':
      print(await client().caseStatus(one(parsed, 'caseNo')));
      return 0;
    case 'by-serial':
      print(await client().caseBySerial(one(parsed, 'serialNo')));
      return 0;
    case 'supply':
      print(await client().supplyMaterial(one(parsed, 'caseNo'), readJson<OpenSupplyMaterialRequest>(parsed)));
      return 0;
    case 'events':
      return events(parsed);
    case 'receive':
      return receive(parsed);
    case 'verify-licence': {
      const why = reason(parsed);
      const given = one(parsed, 'the token (or - for stdin)');
      const token = given === '-' ? await (io.readStdin ?? readStdin)() : given;
      if (!token.trim()) throw new UsageError('no token on stdin');
      print(await client().verifyLicence(token, why));
      return 0;
    }
    case 'read-grant':
      print(await client().readGrant(one(parsed, 'grantId'), reason(parsed)));
      return 0;
    default:
      throw new UsageError(`unknown command ${parsed.command}`);
  }
}

/** Prints every event (one JSON line each), then `{"nextCursor": …}`; with --follow, polls again until --for runs out. */
async function events(parsed: Parsed): Promise<number> {
  const api = client();
  const follow = parsed.flags.get('follow') === true;
  const limit = numberFlag(parsed, 'limit', 100, 1, 500);
  const intervalMs = numberFlag(parsed, 'interval', 5, 1, 3600) * 1000;
  const until = Date.now() + numberFlag(parsed, 'for', 3600, 1, 7 * 24 * 3600) * 1000;
  let cursor = flag(parsed, 'cursor');
  for (;;) {
    const pages = api.allEvents(cursor, { limit });
    for (;;) {
      const step = await pages.next();
      if (step.done) {
        cursor = step.value ?? cursor;
        break;
      }
      print(step.value);
    }
    print({ nextCursor: cursor ?? null });
    if (!follow || Date.now() >= until) return 0;
    await sleep(Math.min(intervalMs, Math.max(0, until - Date.now())));
    if (Date.now() >= until) return 0;
  }
}

async function receive(parsed: Parsed): Promise<number> {
  const port = numberFlag(parsed, 'port', Number.NaN, 0, 65535);
  if (Number.isNaN(port)) throw new UsageError('--port is required');
  const seconds = numberFlag(parsed, 'for', 3600, 1, 7 * 24 * 3600);
  const receiver = await startWebhookReceiver({
    appId: env('OV_APP_ID'),
    webhookSecret: env('OV_WEBHOOK_SECRET'),
    algorithm: algorithm(),
    port,
    host: flag(parsed, 'host') ?? '127.0.0.1',
    path: flag(parsed, 'path'),
    onEvent: (event, { duplicate }) => print({ received: duplicate ? 'duplicate' : 'new', event }),
    onReject: (info) => process.stderr.write(`${JSON.stringify({ rejected: info })}\n`),
  });
  print({ listening: receiver.url, for: seconds });
  await new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, seconds * 1000);
    const stop = () => {
      clearTimeout(timer);
      resolve();
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  await receiver.close();
  print({ events: receiver.events.length, deliveries: receiver.deliveries, duplicates: receiver.duplicates, rejected: receiver.rejected });
  return 0;
}

if (require.main === module) {
  run(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (err: unknown) => {
      if (err instanceof UsageError) {
        process.stderr.write(`${err.message}\n\n${USAGE}`);
        process.exit(2);
      }
      if (err instanceof OpenApiError) {
        process.stderr.write(`${JSON.stringify({ error: { status: err.status, code: err.code, message: err.message, requestId: err.requestId, details: err.details } })}\n`);
        process.exit(1);
      }
      process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
      process.exit(1);
    },
  );
}
