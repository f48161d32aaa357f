/**
 * The reference webhook receiver on real sockets (127.0.0.1), fed by the BFF's own signer — the
 * function the webhook dispatcher signs with — so this is also the interoperability test of the
 * webhook direction.
 */
import type { OpenCaseEvent, SignatureAlgorithm } from '@onevisit/shared-types';
import { signedHeaders } from '../../bff/src/modules/partners/signature';
import { startWebhookReceiver, type WebhookReceiver } from './webhookReceiver';

const APP_ID = 'changsha-zwfw';
const WEBHOOK_SECRET = 'whsk-changsha-2Rm7GkP0sZ9eA3uW';
const API_SECRET = 'sk-changsha-5Vd8NcX1qT6yH4bJ';

function event(n: number, state: OpenCaseEvent['state'] = 'accepted'): OpenCaseEvent {
  return {
    eventId: `evt_test_${String(n).padStart(6, '0')}`,
    type: 'case.status_changed',
    occurredAt: new Date(Date.UTC(2026, 0, 2, 1, 30, n)).toISOString(),
    caseNo: '11430000006940002L070003001001202601010042',
    serialNo: 'CS-ZWFW-2026-0001',
    itemCode: '11430000006940002L070003001001',
    action: 'accept',
    actionName: '受理',
    state,
    stateName: '已受理',
    note: `第${n}次推送`,
  };
}

interface SendOptions {
  secret?: string;
  algorithm?: SignatureAlgorithm;
  appId?: string;
  timestamp?: number;
  nonce?: string;
  url?: string;
  body?: string;
  eventIdHeader?: string;
  tamper?: (headers: Record<string, string>) => void;
  timeoutMs?: number;
}

/** One webhook POST as the dispatcher sends it; answers the status and parsed body. */
async function deliver(receiver: WebhookReceiver, e: OpenCaseEvent, options: SendOptions = {}): Promise<{ status: number; body: { code?: string } | null; headers: Record<string, string> }> {
  const url = options.url ?? receiver.url;
  const body = options.body ?? JSON.stringify(e);
  const headers: Record<string, string> = {
    'content-type': 'application/json; charset=utf-8',
    ...signedHeaders({
      algorithm: options.algorithm ?? 'HMAC-SM3',
      appId: options.appId ?? APP_ID,
      secret: options.secret ?? WEBHOOK_SECRET,
      method: 'POST',
      url,
      body: options.tamper ? JSON.stringify(e) : body,
      timestamp: options.timestamp,
      nonce: options.nonce,
    }),
    'X-OV-Event-Id': options.eventIdHeader ?? e.eventId,
  };
  options.tamper?.(headers);
  const res = await fetch(url, { method: 'POST', headers, body, signal: AbortSignal.timeout(options.timeoutMs ?? 5000) });
  const text = await res.text();
  return { status: res.status, body: text ? (JSON.parse(text) as { code?: string }) : null, headers };
}

describe('startWebhookReceiver', () => {
  let receiver: WebhookReceiver;

  beforeEach(async () => {
    receiver = await startWebhookReceiver({ appId: APP_ID, webhookSecret: WEBHOOK_SECRET, algorithm: 'HMAC-SM3', host: '127.0.0.1' });
  });
  afterEach(async () => {
    await receiver.close();
  });

  it('listens on 127.0.0.1 at the default path', () => {
    expect(receiver.url).toBe(`http://127.0.0.1:${receiver.port}/onevisit/webhook`);
    expect(receiver.port).toBeGreaterThan(0);
    expect(receiver.mode).toBe('up');
  });

  it('accepts a valid webhook with 204 and records the event', async () => {
    const result = await deliver(receiver, event(1));
    expect(result.status).toBe(204);
    expect(receiver.events).toEqual([event(1)]);
    expect([receiver.deliveries, receiver.duplicates, receiver.rejected]).toEqual([1, 0, 0]);
  });

  it('counts a redelivery of the same event (new nonce) as a duplicate and still acknowledges it', async () => {
    expect((await deliver(receiver, event(1))).status).toBe(204);
    expect((await deliver(receiver, event(2))).status).toBe(204);
    expect((await deliver(receiver, event(1))).status).toBe(204);
    expect(receiver.events.map((e) => e.eventId)).toEqual([event(1).eventId, event(2).eventId]);
    expect([receiver.deliveries, receiver.duplicates, receiver.rejected]).toEqual([3, 1, 0]);
  });

  it('accepts a webhook URL with a query (path and query as sent are signed)', async () => {
    const result = await deliver(receiver, event(3), { url: `${receiver.url}?channel=%E7%8A%B6%E6%80%81&v=2&v=1` });
    expect(result.status).toBe(204);
  });

  it.each([
    ['a wrong secret', { secret: 'whsk-wrong-secret-000000000' }, 'SIGNATURE_INVALID'],
    ['the API secret instead of the webhook secret', { secret: API_SECRET }, 'SIGNATURE_INVALID'],
    ['another app id', { appId: 'hunan-yjs' }, 'PARTNER_UNKNOWN'],
    ['the other algorithm', { algorithm: 'HMAC-SHA256' }, 'SIGNATURE_ALGORITHM_MISMATCH'],
    ['a timestamp 301 s old', { timestamp: Math.floor(Date.now() / 1000) - 301 }, 'SIGNATURE_TIMESTAMP_SKEWED'],
    ['a timestamp 400 s ahead', { timestamp: Math.floor(Date.now() / 1000) + 400 }, 'SIGNATURE_TIMESTAMP_SKEWED'],
    ['a body changed after signing', { tamper: () => undefined, body: JSON.stringify({ ...event(4), state: 'rejected' }) }, 'BODY_HASH_MISMATCH'],
    ['a forged signature', { tamper: (h: Record<string, string>) => void (h['X-OV-Signature'] = 'A'.repeat(43) + '=') }, 'SIGNATURE_INVALID'],
    ['a missing signature header', { tamper: (h: Record<string, string>) => void delete h['X-OV-Signature'] }, 'SIGNATURE_HEADERS_MISSING'],
    ['an ill-formed nonce', { tamper: (h: Record<string, string>) => void (h['X-OV-Nonce'] = 'short') }, 'SIGNATURE_HEADERS_MISSING'],
  ] as [string, SendOptions, string][])('refuses %s with 401', async (_what, options, code) => {
    const result = await deliver(receiver, event(4), options);
    expect(result.status).toBe(401);
    expect(result.body?.code).toBe(code);
    expect(receiver.rejected).toBe(1);
    expect(receiver.events).toEqual([]);
    expect(receiver.deliveries).toBe(0);
  });

  it('accepts a timestamp 299 s old', async () => {
    expect((await deliver(receiver, event(5), { timestamp: Math.floor(Date.now() / 1000) - 299 })).status).toBe(204);
  });

  it('refuses a replayed nonce with 401 (the exact same request sent twice)', async () => {
    const nonce = 'replay-nonce-0123456789';
    const timestamp = Math.floor(Date.now() / 1000);
    expect((await deliver(receiver, event(6), { nonce, timestamp })).status).toBe(204);
    const again = await deliver(receiver, event(6), { nonce, timestamp });
    expect(again.status).toBe(401);
    expect(again.body?.code).toBe('SIGNATURE_NONCE_REPLAYED');
    expect([receiver.deliveries, receiver.duplicates, receiver.rejected]).toEqual([1, 0, 1]);
  });

  it('does not burn a nonce on a bad signature', async () => {
    const nonce = 'unburnt-nonce-0123456789';
    expect((await deliver(receiver, event(7), { nonce, secret: 'whsk-wrong-secret-000000000' })).status).toBe(401);
    expect((await deliver(receiver, event(7), { nonce })).status).toBe(204);
  });

  it('refuses an X-OV-Event-Id that does not match the body with 400', async () => {
    const result = await deliver(receiver, event(8), { eventIdHeader: 'evt_other' });
    expect(result.status).toBe(400);
    expect(receiver.rejected).toBe(1);
  });

  it('answers 404 on another path and 405 on another method', async () => {
    const other = await fetch(receiver.url.replace('/onevisit/webhook', '/elsewhere'), { method: 'POST', body: '{}', signal: AbortSignal.timeout(5000) });
    expect(other.status).toBe(404);
    const get = await fetch(receiver.url, { signal: AbortSignal.timeout(5000) });
    expect(get.status).toBe(405);
    expect(receiver.rejected).toBe(0);
  });

  it('refuses a body over the limit with 413', async () => {
    const small = await startWebhookReceiver({ appId: APP_ID, webhookSecret: WEBHOOK_SECRET, algorithm: 'HMAC-SM3', maxBodyBytes: 100 });
    try {
      const result = await deliver(small, event(9));
      expect(result.status).toBe(413);
      expect(small.rejected).toBe(1);
    } finally {
      await small.close();
    }
  });

  it('accepts both webhook secrets during a rotation', async () => {
    const rotating = await startWebhookReceiver({ appId: APP_ID, webhookSecret: ['whsk-new-secret-0000000001', WEBHOOK_SECRET], algorithm: 'HMAC-SM3' });
    try {
      expect((await deliver(rotating, event(10))).status).toBe(204);
      expect((await deliver(rotating, event(11), { secret: 'whsk-new-secret-0000000001' })).status).toBe(204);
      expect(rotating.events).toHaveLength(2);
    } finally {
      await rotating.close();
    }
  });

  it('works with HMAC-SHA256 too', async () => {
    const sha = await startWebhookReceiver({ appId: 'hunan-yjs', webhookSecret: 'whsk-hunan-0000000000000', algorithm: 'HMAC-SHA256', path: '/hooks/ov' });
    try {
      expect(sha.url).toMatch(/\/hooks\/ov$/);
      expect((await deliver(sha, event(12), { appId: 'hunan-yjs', secret: 'whsk-hunan-0000000000000', algorithm: 'HMAC-SHA256' })).status).toBe(204);
      expect((await deliver(sha, event(13), { appId: 'hunan-yjs', secret: 'whsk-hunan-0000000000000', algorithm: 'HMAC-SM3' })).status).toBe(401);
    } finally {
      await sha.close();
    }
  });

  describe('modes', () => {
    it("'down' refuses connections on the same port; 'up' listens there again", async () => {
      expect((await deliver(receiver, event(20))).status).toBe(204); // a kept-alive connection exists now
      const port = receiver.port;
      await receiver.setMode('down');
      expect(receiver.mode).toBe('down');
      await expect(deliver(receiver, event(21))).rejects.toThrow();
      await receiver.setMode('up');
      expect(receiver.port).toBe(port);
      expect((await deliver(receiver, event(21))).status).toBe(204);
      expect(receiver.events.map((e) => e.eventId)).toEqual([event(20).eventId, event(21).eventId]);
    });

    it("'error500' answers 500 and records nothing", async () => {
      await receiver.setMode('error500');
      const result = await deliver(receiver, event(22));
      expect(result.status).toBe(500);
      expect([receiver.events.length, receiver.deliveries, receiver.rejected]).toEqual([0, 0, 0]);
      await receiver.setMode('up');
      expect((await deliver(receiver, event(22))).status).toBe(204);
    });

    it("'timeout' never answers; the sender's timeout fires and close() ends the held socket", async () => {
      await receiver.setMode('timeout');
      const started = Date.now();
      await expect(deliver(receiver, event(23), { timeoutMs: 300 })).rejects.toThrow();
      expect(Date.now() - started).toBeGreaterThanOrEqual(250);
      expect(receiver.deliveries).toBe(0);
      // A request still held when the receiver closes ends at once instead of hanging.
      const pending = deliver(receiver, event(24), { timeoutMs: 10_000 }).then(
        () => 'answered',
        () => 'ended',
      );
      await new Promise((resolve) => setTimeout(resolve, 100));
      const closing = Date.now();
      await receiver.close();
      expect(await pending).toBe('ended');
      expect(Date.now() - closing).toBeLessThan(2000);
    });
  });

  describe('waitFor', () => {
    it('resolves once the predicate holds', async () => {
      const waiting = receiver.waitFor((r) => r.events.length >= 2, 5000);
      await deliver(receiver, event(30));
      await deliver(receiver, event(31));
      await expect(waiting).resolves.toBeUndefined();
    });

    it('resolves at once when it already holds, and rejects after the timeout otherwise', async () => {
      await expect(receiver.waitFor(() => true, 10)).resolves.toBeUndefined();
      await expect(receiver.waitFor((r) => r.events.length > 0, 50)).rejects.toThrow(/not within 50 ms/);
    });

    it('rejects pending waits when the receiver closes', async () => {
      const waiting = receiver.waitFor(() => false, 5000);
      await receiver.close();
      await expect(waiting).rejects.toThrow(/closed/);
    });
  });
});
