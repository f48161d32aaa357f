/**
 * A partner-side receiver of OneVisit's signed webhooks (docs/open-api.md § Webhooks), for tests
 * and the CLI's `receive` command. Each POST is verified exactly as the docs say — app id, the
 * webhook secret, algorithm, body hash, timestamp within 300 s, nonce not reused — and answered
 * 204 when accepted (duplicates too: delivery is at least once, de-duplicated on the event id) or
 * 401 with a JSON error when not.
 *
 * Fault modes for delivery tests: 'down' closes the listening socket (connection refused; the
 * port is kept so 'up' listens on it again), 'error500' answers 500, 'timeout' never answers and
 * holds the socket until close().
 */
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { OpenCaseEvent, SignatureAlgorithm } from '@onevisit/shared-types';
import { HEADERS, NonceMemory, verifySigned } from './signing';

export type ReceiverMode = 'up' | 'down' | 'error500' | 'timeout';

export interface WebhookReceiverOptions {
  /** The partner's own app id: what X-OV-AppId carries on our webhooks. */
  appId: string;
  /** The webhook secret (not the API secret); during a rotation, both the new and the old. */
  webhookSecret: string | readonly string[];
  algorithm: SignatureAlgorithm;
  /** Default `/onevisit/webhook`. */
  path?: string;
  /** Default 0: any free port. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** Default 1 MiB; larger bodies get 413. */
  maxBodyBytes?: number;
  /** Called for every accepted delivery, `duplicate` when its event id was seen before. */
  onEvent?: (event: OpenCaseEvent, info: { duplicate: boolean }) => void;
  /** Called for every refused delivery. */
  onReject?: (info: { status: number; code: string; message: string }) => void;
  /** Clock in unix seconds (tests). */
  now?: () => number;
}

export interface WebhookReceiver {
  /** Where to point the partner's webhook URL. */
  readonly url: string;
  readonly port: number;
  readonly mode: ReceiverMode;
  /** Unique by eventId, in arrival order. */
  readonly events: OpenCaseEvent[];
  /** Every accepted POST, duplicates included. */
  readonly deliveries: number;
  readonly duplicates: number;
  /** Refused POSTs: bad signature, skew, replayed nonce, wrong app id (401), a body that is not an event (400) or too large (413). */
  readonly rejected: number;
  setMode(mode: ReceiverMode): Promise<void>;
  /** Resolves once `predicate(receiver)` holds; rejects after `timeoutMs`. */
  waitFor(predicate: (receiver: WebhookReceiver) => boolean, timeoutMs: number): Promise<void>;
  close(): Promise<void>;
}

const MAX_HELD_SOCKETS = 1000;
const MAX_WAIT_MS = 10 * 60_000;

export async function startWebhookReceiver(options: WebhookReceiverOptions): Promise<WebhookReceiver> {
  const path = options.path ?? '/onevisit/webhook';
  const host = options.host ?? '127.0.0.1';
  const maxBodyBytes = options.maxBodyBytes ?? 1024 * 1024;
  const secrets = typeof options.webhookSecret === 'string' ? [options.webhookSecret] : [...options.webhookSecret];
  const now = options.now ?? (() => Math.floor(Date.now() / 1000));
  const nonces = new NonceMemory();
  const seenEventIds = new Set<string>();
  const events: OpenCaseEvent[] = [];
  const sockets = new Set<Socket>();
  const held = new Set<http.ServerResponse>();
  const waiters = new Set<{ check: () => void; fail: (err: Error) => void }>();
  let deliveries = 0;
  let duplicates = 0;
  let rejected = 0;
  let mode: ReceiverMode = 'up';
  let closed = false;
  let port = options.port ?? 0;

  const notify = () => {
    for (const waiter of [...waiters]) waiter.check();
  };

  const send = (res: http.ServerResponse, status: number, body?: object) => {
    if (res.writableEnded || res.destroyed) return;
    if (body === undefined) {
      res.writeHead(status).end();
      return;
    }
    const text = JSON.stringify(body);
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) }).end(text);
  };

  const refuse = (res: http.ServerResponse, status: number, code: string, message: string) => {
    rejected++;
    options.onReject?.({ status, code, message });
    send(res, status, { code, message });
  };

  async function readBody(req: http.IncomingMessage): Promise<Buffer | null> {
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > maxBodyBytes) return null;
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of req) {
      size += (chunk as Buffer).length;
      if (size > maxBodyBytes) return null;
      chunks.push(chunk as Buffer);
    }
    return Buffer.concat(chunks);
  }

  async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    if (mode === 'timeout') {
      // Never answer; the socket stays open until the sender gives up or close() ends it.
      if (held.size >= MAX_HELD_SOCKETS) {
        req.socket.destroy();
        return;
      }
      held.add(res);
      res.on('close', () => held.delete(res));
      req.resume();
      return;
    }
    if (mode === 'error500') {
      req.resume();
      send(res, 500, { code: 'INTERNAL_ERROR', message: 'receiver in error500 mode' });
      return;
    }
    const target = req.url ?? '/';
    const q = target.indexOf('?');
    const reqPath = q < 0 ? target : target.slice(0, q);
    const rawQuery = q < 0 ? '' : target.slice(q + 1);
    if (reqPath !== path) {
      req.resume();
      send(res, 404, { code: 'ROUTE_NOT_FOUND', message: `no webhook at ${reqPath}` });
      return;
    }
    if (req.method !== 'POST') {
      req.resume();
      send(res, 405, { code: 'METHOD_NOT_ALLOWED', message: 'POST only' });
      return;
    }
    const body = await readBody(req);
    if (body === null) {
      refuse(res, 413, 'PAYLOAD_TOO_LARGE', `body over ${maxBodyBytes} bytes`);
      res.on('finish', () => req.socket.destroy());
      return;
    }
    const header = (name: string) => {
      const value = req.headers[name.toLowerCase()];
      return Array.isArray(value) ? value[0] : value;
    };
    const verdict = verifySigned({
      header,
      method: req.method,
      path: reqPath,
      rawQuery,
      body,
      expectedAppId: options.appId,
      secrets,
      algorithm: options.algorithm,
      rememberNonce: (nonce) => nonces.remember(nonce, now()),
      nowSeconds: now(),
    });
    if (!verdict.ok) {
      refuse(res, 401, verdict.code, verdict.message);
      return;
    }
    let event: OpenCaseEvent;
    try {
      event = JSON.parse(body.toString('utf8')) as OpenCaseEvent;
    } catch {
      refuse(res, 400, 'MALFORMED_JSON', 'the body is not JSON');
      return;
    }
    if (!event || typeof event !== 'object' || typeof event.eventId !== 'string' || event.eventId === '') {
      refuse(res, 400, 'VALIDATION_FAILED', 'the body has no eventId');
      return;
    }
    if (header(HEADERS.eventId) !== event.eventId) {
      refuse(res, 400, 'VALIDATION_FAILED', 'X-OV-Event-Id does not match the body');
      return;
    }
    deliveries++;
    const duplicate = seenEventIds.has(event.eventId);
    if (duplicate) duplicates++;
    else {
      seenEventIds.add(event.eventId);
      events.push(event);
    }
    options.onEvent?.(event, { duplicate });
    send(res, 204);
  }

  const server = http.createServer((req, res) => {
    handle(req, res)
      .catch(() => send(res, 500, { code: 'INTERNAL_ERROR', message: 'receiver failed' }))
      .finally(notify);
  });
  server.headersTimeout = 10_000;
  server.requestTimeout = 30_000;
  server.keepAliveTimeout = 2_000;
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });

  const listen = () =>
    new Promise<void>((resolve, reject) => {
      const onError = (err: Error) => reject(err);
      server.once('error', onError);
      server.listen(port, host, () => {
        server.off('error', onError);
        port = (server.address() as AddressInfo).port;
        resolve();
      });
    });

  const stopListening = () =>
    new Promise<void>((resolve) => {
      if (!server.listening) {
        for (const socket of sockets) socket.destroy();
        resolve();
        return;
      }
      server.close(() => resolve());
      // Keep-alive and held connections would otherwise keep being served (or keep close() waiting).
      for (const socket of sockets) socket.destroy();
    });

  await listen();

  const receiver: WebhookReceiver = {
    get url() {
      return `http://${host.includes(':') ? `[${host}]` : host}:${port}${path}`;
    },
    get port() {
      return port;
    },
    get mode() {
      return mode;
    },
    events,
    get deliveries() {
      return deliveries;
    },
    get duplicates() {
      return duplicates;
    },
    get rejected() {
      return rejected;
    },
    async setMode(next: ReceiverMode) {
      if (closed) throw new Error('receiver closed');
      const previous = mode;
      mode = next;
      if (next === 'down' && previous !== 'down') await stopListening();
      else if (next !== 'down' && previous === 'down') await listen();
      notify();
    },
    waitFor(predicate, timeoutMs) {
      return new Promise<void>((resolve, reject) => {
        const waiter = {
          check: () => {
            let holds = false;
            try {
              holds = predicate(receiver);
            } catch (err) {
              finish(err instanceof Error ? err : new Error(String(err)));
              return;
            }
            if (holds) finish();
          },
          fail: (err: Error) => finish(err),
        };
        const timer = setTimeout(
          () => finish(new Error(`waitFor: not within ${timeoutMs} ms (events ${events.length}, deliveries ${deliveries}, duplicates ${duplicates}, rejected ${rejected})`)),
          Math.max(0, Math.min(timeoutMs, MAX_WAIT_MS)),
        );
        function finish(err?: Error) {
          clearTimeout(timer);
          waiters.delete(waiter);
          if (err) reject(err);
          else resolve();
        }
        if (closed) return finish(new Error('receiver closed'));
        waiters.add(waiter);
        waiter.check();
      });
    },
    async close() {
      if (closed) return;
      closed = true;
      for (const res of held) res.destroy();
      held.clear();
      await stopListening();
      for (const waiter of [...waiters]) waiter.fail(new Error('receiver closed'));
    },
  };
  return receiver;
}
