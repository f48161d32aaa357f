// `npm run bench`: req/s, p50 and p99 of the catalogue's item-detail and search routes, of a storm of
// duplicate WeChat Pay notifications for one order, and of the citizen's applications (submit, case
// detail, list) on the real app, against a bare Koa baseline in the same run, on the embedded default
// and on MariaDB + Redis. Writes docs/benchmarks.md.
// A benchmark, not a test: errors and non-2xx answers are counted and shown. One exception: the storm
// must leave its order paid exactly once (one payment_confirmed event, one payments.paid delivery),
// or the run fails without writing the document.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import autocannon from 'autocannon';
import { caseCount, outboxState, setupApplications } from './applications';
import { BENCH_ADMIN, setupOpenApi } from './openApi';
import { licenceBenchKey, offlineRate, setupLicences } from './licences';
import { deliveriesOf, orderState, paymentConfirmations, setupStorm, signedNotice, startNoticeCapture, until, type CapturedNotice, type NoticeCapture } from './notifications';

const ROOT = path.resolve(__dirname, '../..');
const DURATION_S = Number(process.env.BENCH_DURATION ?? 10);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 32);
/**
 * Submitting writes two transactions per request. With 32 connections the embedded store's single
 * writer only queues them (same req/s, p99 about 2 s in a trial run); 8 keep the latency readable.
 */
const WRITE_CONNECTIONS = Number(process.env.BENCH_WRITE_CONNECTIONS ?? 8);
/** Copies of one signed payment notification in the storm, and of another order's for its warm-up. */
const STORM = Number(process.env.BENCH_STORM ?? 10_000);
const STORM_WARMUP = 2_000;
const SEARCHES = ['身份证', '丢了身份证', '挪车', '无犯罪记录证明', '驾照到期', '港澳签注', '居住证', '违章', '出生登记', '护照'];

interface Row {
  mode: string;
  route: string;
  connections: number;
  rps: number;
  p50: number;
  p99: number;
  errors: number;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
    srv.on('error', reject);
  });
}

async function waitUntilUp(url: string, child: ChildProcess): Promise<void> {
  for (let i = 0; i < 300; i++) {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}`);
    try {
      if ((await fetch(url)).status < 500) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${url} did not come up within 30 s`);
}

async function startChild(script: string, env: Record<string, string>): Promise<{ base: string; coldStartMs: number; stop(): Promise<void> }> {
  const port = await freePort();
  const spawned = Date.now();
  const child = spawn(process.execPath, ['--import', 'tsx', script], {
    cwd: ROOT,
    env: { ...process.env, ...env, PORT: String(port), HOST: '127.0.0.1', NODE_ENV: 'production' },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const base = `http://127.0.0.1:${port}`;
  await waitUntilUp(`${base}/healthz`, child);
  return {
    base,
    coldStartMs: Date.now() - spawned,
    stop: () =>
      new Promise((resolve) => {
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

/** GETs round-robin over `paths`, or the given `requests` (for bodies set per request). */
async function measure(
  mode: string,
  route: string,
  url: string,
  load: { paths?: string[]; requests?: autocannon.Request[]; headers?: Record<string, string>; connections?: number } = {},
): Promise<Row & { completed: number }> {
  const opts: autocannon.Options = { url, connections: load.connections ?? CONNECTIONS, duration: DURATION_S, headers: load.headers };
  if (load.paths) opts.requests = load.paths.map((p) => ({ method: 'GET', path: p }));
  if (load.requests) opts.requests = load.requests;
  const warm = await autocannon({ ...opts, duration: 2 }); // warm-up: JIT, caches, pools
  const result = await autocannon(opts);
  const row = {
    mode,
    route,
    connections: opts.connections!,
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.errors + result.timeouts + result.non2xx,
    completed: warm['2xx'] + result['2xx'],
  };
  const codes = Object.entries(result.statusCodeStats ?? {})
    .map(([code, s]) => `${code}×${s.count ?? 0}`)
    .join(' ');
  console.log(
    `${mode.padEnd(14)} ${route.padEnd(28)} ${String(row.connections).padStart(3)} conns ${row.rps.toFixed(0).padStart(7)} req/s  p50 ${row.p50} ms  p99 ${row.p99} ms  errors ${row.errors} (${codes})`,
  );
  return row;
}

/**
 * POSTs `amount` copies of one notification to the notify route. req/s is the completed requests over
 * the wall time from the start to the last answer (autocannon's per-second average would also count
 * the idle tail of its last one-second sample, large in a run of a few seconds).
 */
async function fireNotice(base: string, notice: CapturedNotice, amount: number) {
  const started = performance.now();
  let last = started;
  const run = autocannon({
    url: `${base}/open/v1/payments/wechat/notify`,
    connections: CONNECTIONS,
    amount,
    method: 'POST',
    headers: notice.headers,
    body: notice.body,
  }) as unknown as Promise<autocannon.Result> & autocannon.Instance;
  run.on('response', () => (last = performance.now()));
  const result = await run;
  return { result, seconds: (last - started) / 1000 };
}

interface StormOutcome {
  row: Row;
  item: string;
  note: string;
  /** Empty when the order was paid exactly once. */
  problems: string[];
}

/**
 * Issue 5: STORM identical signed TRANSACTION.SUCCESS notifications for one order must make exactly
 * one state change. Two orders: the first one's notification warms the route up (and is paid by it),
 * the second stays `paying` until its storm.
 */
async function notificationStorm(mode: string, base: string, capture: NoticeCapture): Promise<StormOutcome> {
  const fx = await setupStorm(base, 2);
  const [warm, order] = fx.orders;
  await fireNotice(base, await signedNotice(base, capture, warm.orderNo), STORM_WARMUP);
  const notice = await signedNotice(base, capture, order.orderNo);
  const before = await orderState(base, fx.auth, order.orderNo);
  const { result, seconds } = await fireNotice(base, notice, STORM);
  const after = await orderState(base, fx.auth, order.orderNo);
  const row: Row = {
    mode,
    route: `notify ×${STORM.toLocaleString('en')}, one order`,
    connections: CONNECTIONS,
    rps: result.requests.total / seconds,
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.errors + result.timeouts + result.non2xx,
  };
  const codes = Object.entries(result.statusCodeStats ?? {})
    .map(([code, s]) => `${code}×${s.count ?? 0}`)
    .join(' ');
  console.log(
    `${mode.padEnd(14)} ${row.route.padEnd(28)} ${String(row.connections).padStart(3)} conns ${row.rps.toFixed(0).padStart(7)} req/s  p50 ${row.p50} ms  p99 ${row.p99} ms  errors ${row.errors} (${codes}; ${result.requests.total} answered in ${seconds.toFixed(2)} s)`,
  );

  // The order moves inside the notify request; the case follows through the outbox (payments.paid).
  const confirmed = await until(() => paymentConfirmations(base, fx.auth, order.caseNo), (n) => n >= 1);
  await until(() => deliveriesOf(base, 'payments.paid'), (d) => (d.delivered ?? 0) >= fx.orders.length);
  await new Promise((r) => setTimeout(r, 2000)); // room for a second one to show up, if there were one
  const confirmations = await paymentConfirmations(base, fx.auth, order.caseNo);
  const warmConfirmations = await paymentConfirmations(base, fx.auth, warm.caseNo);
  const warmState = await orderState(base, fx.auth, warm.orderNo);
  const paid = await deliveriesOf(base, 'payments.paid');
  const outcomes = Object.entries(paid).map(([k, v]) => `${v} ${k}`).join(', ') || 'none';
  const problems = [
    before !== 'paying' ? `the order was ${before} before the storm, not paying` : null,
    after !== 'paid' ? `the order is ${after} after the storm, not paid` : null,
    confirmations !== 1 || confirmed < 1 ? `the case timeline has ${confirmations} payment_confirmed events, not 1` : null,
    warmState !== 'paid' || warmConfirmations !== 1 ? `the warm-up order is ${warmState} with ${warmConfirmations} payment_confirmed events` : null,
    (paid.delivered ?? 0) !== fx.orders.length ? `payments.paid was delivered ${paid.delivered ?? 0} times for ${fx.orders.length} orders` : null,
  ].filter((p): p is string => p !== null);
  console.log(
    `${mode}: storm on ${order.orderNo}: ${before} → ${after}, ${confirmations} payment_confirmed on ${order.caseNo}; payments.paid outbox deliveries (both orders): ${outcomes}${problems.length ? `\n  FAILED: ${problems.join('; ')}` : ' — one state change'}`,
  );
  return {
    row,
    item: `${fx.item.name} (${fx.item.itemCode}, ${fx.item.identityLevel})`,
    note: `| ${mode} | ${result.requests.total} (${codes}) | ${before} → ${after} | ${confirmations} | ${outcomes} (${fx.orders.length} orders) |`,
    problems,
  };
}

async function mysqlAndRedisReachable(): Promise<{ env: { MYSQL_URL: string; REDIS_URL: string }; flushAtCommit: string } | null> {
  const mysqlUrl = process.env.MYSQL_URL ?? 'mysql://root@127.0.0.1:3306/test';
  const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
  const reachable = (u: string, port: number) =>
    new Promise<boolean>((resolve) => {
      const url = new URL(u);
      const socket = net.connect(Number(url.port || port), url.hostname, () => {
        socket.end();
        resolve(true);
      });
      socket.on('error', () => resolve(false));
    });
  if ((await reachable(mysqlUrl, 3306)) && (await reachable(redisUrl, 6379))) {
    const { createConnection } = await import('mysql2/promise');
    const conn = await createConnection({ uri: mysqlUrl });
    await conn.query('DROP DATABASE IF EXISTS onevisit_bench');
    await conn.query('CREATE DATABASE onevisit_bench CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci');
    const [flush] = (await conn.query('SELECT @@innodb_flush_log_at_trx_commit AS v')) as unknown as [{ v: unknown }[]];
    await conn.end();
    const url = new URL(mysqlUrl);
    url.pathname = '/onevisit_bench';
    return { env: { MYSQL_URL: url.toString(), REDIS_URL: redisUrl }, flushAtCommit: String(flush[0]?.v) };
  }
  return null;
}

function table(rows: Row[], baseline: number): string {
  const lines = ['| storage | route | connections | req/s | p50 ms | p99 ms | ratio to bare Koa | errors |', '|---|---|---:|---:|---:|---:|---:|---:|'];
  for (const r of rows) {
    lines.push(`| ${r.mode} | ${r.route} | ${r.connections} | ${r.rps.toFixed(0)} | ${r.p50} | ${r.p99} | ${(r.rps / baseline).toFixed(2)} | ${r.errors} |`);
  }
  return lines.join('\n');
}

async function main() {
  const loadAtStart = os.loadavg();
  const rows: Row[] = [];
  const baselineServer = await startChild('scripts/bench/baseline.ts', {});
  const baseline = await measure('bare Koa', 'GET / (hello JSON)', `${baselineServer.base}/`);
  await baselineServer.stop();
  rows.push(baseline);

  // Each mode has its own data directory (the SQLite file, uploaded materials, dev PII keys).
  const dataDirs: string[] = [];
  const dataDir = () => {
    dataDirs.push(fs.mkdtempSync(path.join(os.tmpdir(), 'onevisit-bench-')));
    return dataDirs.at(-1)!;
  };
  const modes: [string, Record<string, string>][] = [['embedded', { DATA_DIR: dataDir() }]];
  const production = await mysqlAndRedisReachable();
  if (production) modes.push(['mysql+redis', { ...production.env, KV_PREFIX: 'bench:', DATA_DIR: dataDir() }]);
  else console.warn('MariaDB/Redis not reachable: measuring the embedded default only');

  // Payment notify URLs point here (PUBLIC_BASE_URL): see notifications.ts.
  const capture = await startNoticeCapture();
  const stormNotes: string[] = [];
  let stormItem = '';
  const coldStarts: string[] = [];
  const written: string[] = [];
  const outboxNotes: string[] = [];
  let everyCreatedIsNew = true;
  let chosenItem = '';
  const offlineNotes: string[] = [];
  // The server signs presentations with this key; the bench mints its single-use tokens with it.
  const licenceKey = await licenceBenchKey();
  for (const [mode, env] of modes) {
    const appEnv = {
      ...env,
      RATE_LIMIT_PER_MINUTE: '10000000',
      LOG_LEVEL: 'info',
      H5_DIR: '/nonexistent',
      // Production mode wants real keys and refuses simulators unless told: a benchmark is told.
      ALLOW_SIMULATORS: 'true',
      PII_KEYS: `bench:${randomBytes(32).toString('base64')}`,
      BLIND_INDEX_KEY: randomBytes(32).toString('base64'),
      PUBLIC_BASE_URL: capture.url,
      // Only the storm may pay its order: no query to the channel for an hour of silence.
      PAYMENT_QUERY_AFTER_SECONDS: '3600',
      CONSOLE_ADMIN_USERNAME: BENCH_ADMIN.username,
      CONSOLE_ADMIN_PASSWORD: BENCH_ADMIN.password,
      ...licenceKey.env,
    };
    // First start migrates and seeds an empty database; the second is a plain restart.
    const first = await startChild('bff/src/server.ts', appEnv);
    await first.stop();
    const app = await startChild('bff/src/server.ts', appEnv);
    coldStarts.push(`| ${mode} | ${first.coldStartMs} | ${app.coldStartMs} |`);
    console.log(`${mode}: cold start ${first.coldStartMs} ms (empty database), ${app.coldStartMs} ms (restart)`);
    const list = (await (await fetch(`${app.base}/api/v1/catalog/items?pageSize=20`)).json()) as { items: { itemCode: string }[] };
    rows.push(await measure(mode, 'item detail (20 items)', app.base, { paths: list.items.map((i) => `/api/v1/catalog/items/${i.itemCode}`) }));
    rows.push(await measure(mode, 'search (10 queries)', app.base, { paths: SEARCHES.map((q) => `/api/v1/catalog/search?q=${encodeURIComponent(q)}`) }));

    // Issue 6: signed open-API reads, each request signed afresh (HMAC-SM3, the provincial choice).
    const open = await setupOpenApi(app.base, 'HMAC-SM3');
    const signed = (path: string): autocannon.Request => ({ method: 'GET', path, setupRequest: (req) => ({ ...req, headers: { ...req.headers, ...open.headers('GET', path) } }) });
    rows.push(await measure(mode, 'open: catalogue sync (100)', app.base, { requests: [signed('/open/v1/catalog/items?limit=100')] }));
    rows.push(await measure(mode, 'open: case status', app.base, { requests: [signed(`/open/v1/cases/${open.caseNo}`)] }));
    rows.push(await measure(mode, 'open: case by serial', app.base, { requests: [signed(`/open/v1/cases/by-serial/${open.serialNo}`)] }));

    // Issue 7: online licence verification, every request a fresh single-use token.
    const lic = await setupLicences(app.base, licenceKey, 40_000);
    rows.push(
      await measure(mode, 'licence verify (online)', app.base, {
        requests: [{ method: 'POST', path: '/open/v1/licences/verify', setupRequest: (req) => ({ ...req, ...lic.next() }) }],
      }),
    );
    const offline = await offlineRate(app.base, lic.sample, 'onevisit-430000');
    offlineNotes.push(`| ${mode} | ${offline.count} | ${offline.perSecond.toFixed(0)} |`);
    console.log(`${mode}: offline verification ${offline.perSecond.toFixed(0)}/s (${offline.count} in 3 s, one process, cached keys)`);

    // Before the applications: their submit run leaves a backlog of notices for the outbox dispatcher.
    const storm = await notificationStorm(mode, app.base, capture);
    if (storm.problems.length) {
      await app.stop();
      await capture.close();
      throw new Error(`${mode}: ${STORM} duplicate payment notifications did not make exactly one state change: ${storm.problems.join('; ')}`);
    }
    rows.push(storm.row);
    stormNotes.push(storm.note);
    stormItem = storm.item;

    // Applications: one L2 citizen. The reads run first, while the citizen has the 25 cases of the
    // setup (a full first page), so they do not depend on how many cases the write run managed.
    const fx = await setupApplications(app.base);
    chosenItem = `${fx.item.name} (${fx.item.itemCode}, ${fx.item.domain}, ${fx.item.handlingClass})`;
    console.log(`${mode}: citizen ready, item ${chosenItem}, ${fx.setupCases} cases created in setup`);
    const detail = await measure(mode, 'my case detail', app.base, { paths: [`/api/v1/applications/${fx.caseNo}`], headers: fx.auth });
    const myList = await measure(mode, 'my applications list (20)', app.base, { paths: ['/api/v1/applications?pageSize=20'], headers: fx.auth });
    const run = randomBytes(6).toString('hex');
    let n = 0;
    const submit = await measure(mode, 'submit application', app.base, {
      connections: WRITE_CONNECTIONS,
      headers: { ...fx.auth, 'content-type': 'application/json' },
      requests: [{ method: 'POST', path: '/api/v1/applications', setupRequest: (req) => ({ ...req, body: fx.body(`bench-${run}-${n++}`) }) }],
    });
    rows.push(submit, detail, myList);
    const outbox = await outboxState(app.base);
    const outcomes = Object.entries(outbox.outcomes).map(([k, v]) => `${v} ${k}`).join(', ') || 'none';
    outboxNotes.push(`| ${mode} | ${outbox.pending} | ${Math.round(outbox.oldestDueSeconds)} | ${outbox.dead} | ${outcomes} |`);
    console.log(`${mode}: outbox after the submit run: ${outbox.pending} pending (oldest due ${outbox.oldestDueSeconds.toFixed(1)} s), ${outbox.dead} dead; deliveries ${outcomes}`);
    // Every 201 must be a new case. autocannon does not count the requests still in flight when a
    // run stops (at most one per connection, warm-up and measured run), but the server completes them.
    const total = await caseCount(app.base, fx.auth);
    const counted = fx.setupCases + submit.completed;
    const inFlight = total - counted;
    written.push(`${mode} ${total} cases (${counted} counted as 2xx, ${inFlight} in flight when a run stopped)`);
    const matches = inFlight >= 0 && inFlight <= 2 * WRITE_CONNECTIONS;
    everyCreatedIsNew &&= matches;
    if (!matches) console.warn(`${mode}: the citizen has ${total} cases, expected ${counted} to ${counted + 2 * WRITE_CONNECTIONS}`);
    else console.log(`${mode}: ${total} cases in the citizen's list (${counted} counted as 2xx + ${inFlight} in flight at the end of a run)`);
    await app.stop();
  }
  await capture.close();
  for (const dir of dataDirs) fs.rmSync(dir, { recursive: true, force: true });

  const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
  const storageNote = production
    ? `
Writes and storage: a submit commits three times (the sequence statement, then the two transactions) and the
dispatcher commits a few more per notice (claim, fan-out, delivery). On MariaDB here \`innodb_flush_log_at_trx_commit\`
is ${production.flushAtCommit}${production.flushAtCommit === '1' ? ' (every commit is flushed to disk)' : ''} and every statement is a network round-trip; the embedded SQLite
runs in WAL mode with \`synchronous = NORMAL\` (no sync at commit) in the same process, but has one writer.
`
    : '';
  const loadBefore = loadAtStart.map((l) => l.toFixed(2)).join(' / ');
  const doc = `# Benchmarks

Measured by \`npm run bench\` (scripts/bench, autocannon, ${CONNECTIONS} connections — ${WRITE_CONNECTIONS} for submitting — ${DURATION_S} s
per route after a 2 s warm-up, load generator and server on the same machine). Ratios are against a bare Koa
hello-world JSON route measured in the same run. The app runs as in production: \`NODE_ENV=production\` (no
response-schema checks), request logging at info to /dev/null, rate limiter active (limit raised so it counts but
never refuses), catalogue reads cached in the KV.

Last run: ${new Date().toISOString()} on ${os.cpus().length} × ${cpu}, Node ${process.version}; load average ${loadBefore} when it
started (the machine is shared: compare rows of one run, not across runs).

${table(rows, baseline.rps)}

Cold start of the BFF, from spawning \`node --import tsx bff/src/server.ts\` to the first \`/healthz\` answer:

| storage | empty database (migrate + seed) ms | restart ms |
|---|---:|---:|
${coldStarts.join('\n')}

Reading the numbers: item detail and search are answered from the catalogue's versioned cache: this process's
memory first (the version is re-read from the KV at most once a second), then the KV, then the database. So on
MariaDB + Redis the only per-request round-trip is the rate limiter's counter in Redis. What separates the routes
from the baseline is the work every citizen request does: request id, access log line (pino, masking), metrics
histogram, rate limit, routing, ETag/conditional check, and a 2–6 KB body instead of 17 bytes.

Open API (issue 6): a partner platform registered through the console (HMAC-SM3, the provincial platform's choice,
rate limit raised out of the way) signs every request afresh — its own nonce and timestamp, the SM3 hash of the empty
body, HMAC-SM3 over the seven-line string to sign (docs/open-api.md). Each request then costs what every partner call
costs: the partner's registry entry (cached in the process for 5 s), the per-partner rate counter and the nonce's
set-if-absent in the KV (two Redis round-trips on MariaDB + Redis), the SM3 body hash and HMAC, the scope, the mapping
profile (canonical here), and one evidence row inserted per call (request id, partner, path, body hash, signature
result, status, latency) — the write the citizen routes do not have. "Catalogue sync" is the first page of 100 items
(from the catalogue's versioned cache, ≈ 150 KB of JSON); "case status" and "case by serial" read the partner's link to
the case, the case row, its timeline and pending materials.

E-licences (issue 7): "licence verify (online)" posts \`/open/v1/licences/verify\` as a hotel (HMAC-SM3 signed, relying-party
type hotel), each request with its own presentation token (ES256, ≤ 60 s): the server checks the partner's signature,
verifies the JWS against its key ring, checks the purpose against the hotel's type, marks the token used (KV
set-if-absent), reads the licence's status now, filters the fields, and inserts the citizen's usage record and the call's
evidence row — two writes per request. The tokens are minted beforehand by the bench with the server's own signing key
(passed as \`LICENCE_SIGNING_KEYS\`) and the claims of a real presentation, because each token verifies once. Offline
verification is the relying party's side: \`scripts/licence-verifier\` checking one token against cached keys (no
network), in the bench process:

| storage of the server that published the keys | verifications | per second |
|---|---:|---:|
${offlineNotes.join('\n')}

Payment notification storm (issue 5): ${STORM.toLocaleString('en')} identical copies of one signed WeChat Pay
TRANSACTION.SUCCESS notification for one order, POSTed to \`/open/v1/payments/wechat/notify\` on ${CONNECTIONS} connections; req/s
is the completed requests over the wall time of the run. The setup is all HTTP: one citizen at L3 (SMS login, real
name, then the H5 face check passed with the simulator page's own button) applies twice for
${stormItem}, window pickup, the fee due on submission, and opens a WeChat Pay H5 order for each. The notification
is the simulated WeChat Pay's own: it signs with WeChat's private key, which no route exposes, so the server runs
with \`PUBLIC_BASE_URL\` (used only for payment notify URLs) pointing at a capture server in the bench process; the
simulator's dev \`pay\` hook sends its notification there, the capture keeps body and headers and answers 204
without forwarding it. The order is still \`paying\` when the storm starts, so its one state change happens inside
the measured run (the first order's notification, ${STORM_WARMUP.toLocaleString('en')} copies, is the warm-up). Payment queries to the
channel are pushed out to an hour of silence, so nothing else can pay the order. Checked after every storm (the run
fails otherwise): the order paid, exactly one \`payment_confirmed\` in the case timeline, and the \`payments.paid\`
outbox entry delivered once per order (\`GET /metrics\`):

| storage | answers | order | payment_confirmed events | payments.paid deliveries |
|---|---|---|---:|---|
${stormNotes.join('\n')}

Why a duplicate is cheap: no KV round-trip (the notify route is outside the per-IP rate limiter and has no
session); the signature is one RSA-2048 public-key verification over timestamp, nonce and body, the resource one
AES-256-GCM decryption and a schema parse; then the order is read by its primary key and checked (merchant, app,
amount, channel), and one short transaction runs the compare-and-set \`UPDATE payment_orders … WHERE order_no = ?
AND state IN ('paying')\` — 0 rows for every copy after the first — and the same guard for a payment after closing
(\`state IN ('closed')\`, 0 rows too), writes nothing else and answers 204. Only the first copy changes a row, and it
writes the \`payments.paid\` outbox entry in the same transaction; the case moves from that entry, whose dedupe key
is the order number. What the copies of one order still share is that transaction: on the embedded store it takes
its turn on the single SQLite connection; on MariaDB (REPEATABLE READ) the guarded UPDATE locks the order's row even
when it changes nothing, until commit, so the copies queue on one row lock for begin, two updates and commit (four
round-trips each). Reading the order's state before opening the transaction (paid, same transaction id: answer 204)
would skip it for duplicates; the storm shows what the current code costs.

Applications: one citizen at L2 (SMS login with the simulator's code, then real name, all through the API) applies for
${chosenItem}:
in-house, L2, one required material (one JPEG uploaded once and named in every request), electronic result. Every
route here also resolves the session in the KV (session and generation: two reads, Redis round-trips on MariaDB +
Redis). The reads run first, while the citizen has the 25 cases of the setup: the detail is the case row, then its
events, materials, pending materials, supplements and approvals read in parallel, the form decrypted and masked; the
list is a page query and a count. "Submit application" then posts a fresh idempotency key per request, on fewer
connections: with 32 the embedded store's single writer only queues the requests (in a trial: the same req/s, p99
about 2 s).

What a submit does: it looks up the idempotency key (a replay would answer 200 with the first case), reads the item
from the catalogue cache, checks the identity level (the citizen's row), checks delivery option, materials (the
uploads' rows) and form (the shared validator), takes the case number from the daily sequence (one atomic upsert
statement), then writes two transactions: the case row (form encrypted) with its materials; then the submit move —
the row updated under its version guard, the timeline event and the outbox row of the citizen's notice (an item
handled upstream would add the upstream-submission outbox row to that transaction; this in-house item has none). It
answers 201 with the case detail, read back as above. ${everyCreatedIsNew ? 'Every 201 is a new case' : '**The 201s and the cases written do not match**'}: the citizen's list
afterwards holds ${written.join('; ')}.
${storageNote}
The outbox dispatcher delivers the notices (one \`notify.case\` row per case, fanned out to one row per channel the
citizen can be reached on: SMS here) in the same process while the run goes on. Right after the submit run, from
\`GET /metrics\` (pending: not yet sent when the run stopped, they drain afterwards; dead: given up):

| storage | outbox entries pending | oldest due s | dead | deliveries since start (all topics) |
|---|---:|---:|---:|---|
${outboxNotes.join('\n')}
`;
  fs.writeFileSync(path.join(ROOT, 'docs/benchmarks.md'), doc);
  console.log('\nwrote docs/benchmarks.md');
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
