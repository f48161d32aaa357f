// Setup for the applications benchmark, over HTTP only against the spawned server, as a citizen
// would do it: SMS login (the code read from the simulator's outbox), real name (L2), one JPEG
// upload, an in-house L2 item from the catalogue and a form that passes its schema.
import { randomBytes, randomInt } from 'node:crypto';
import type { ApplicationDetail, FormField, ItemSummary, Me, Page, ServiceItem, Upload } from '@onevisit/shared-types';
import { testIdNumber } from '../../bff/src/testing/citizens';
import { materialFixtures } from '../../bff/src/testing/files';

/** Domains handled by a department's own system (the upstream bridge); everything else is in-house. */
const UPSTREAM_DOMAINS = new Set(['household', 'exit_entry', 'traffic', 'public_order']);

export interface ApplicationsFixture {
  auth: { authorization: string };
  item: Pick<ServiceItem, 'itemCode' | 'name' | 'domain' | 'handlingClass'>;
  /** A complete POST /api/v1/applications body for an idempotency key. */
  body(idempotencyKey: string): string;
  /** A case of this citizen, for the detail route. */
  caseNo: string;
  /** Cases created during setup (the list route reads a page of them). */
  setupCases: number;
}

export async function call<T>(base: string, method: string, path: string, init: { json?: unknown; body?: FormData; headers?: Record<string, string>; expect?: number } = {}): Promise<T> {
  const headers: Record<string, string> = { ...init.headers };
  let body: string | FormData | undefined = init.body;
  if (init.json !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(init.json);
  }
  const res = await fetch(`${base}${path}`, { method, headers, body });
  const text = await res.text();
  if (!res.ok || (init.expect !== undefined && res.status !== init.expect)) {
    throw new Error(`${method} ${path}: ${res.status} ${text.slice(0, 500)}`);
  }
  return (text ? JSON.parse(text) : undefined) as T;
}

/** Today in China (the server's business day), YYYY-MM-DD. */
function todayInShanghai(): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date());
}

/** A value each field type accepts (shared-types/src/forms.ts); optional fields are filled too. */
export function fieldValue(field: FormField, idNumber: string, phone: string): string | number | boolean {
  const short = (s: string) => Array.from(s).slice(0, field.maxLength ?? 200).join('');
  switch (field.type) {
    case 'text':
      return short(`基准测试${field.label}`);
    case 'textarea':
      return short(`性能基准测试提交的申请：${field.label}。`);
    case 'number':
      return field.min ?? (field.max !== undefined ? Math.min(1, field.max) : 1);
    case 'date':
      return todayInShanghai();
    case 'select': {
      const first = field.options?.[0];
      if (!first) throw new Error(`select field ${field.key} has no options`);
      return first.value;
    }
    case 'boolean':
      return true;
    case 'idNumber':
      return idNumber;
    case 'phone':
      return phone;
    case 'region':
      return short('430102 长沙市芙蓉区五一大道1号');
    case 'plateNumber':
      return '湘A12345';
    default:
      throw new Error(`no benchmark value for field type ${String(field.type)}`);
  }
}

export async function loginCitizen(base: string): Promise<{ auth: { authorization: string }; phone: string; idNumber: string }> {
  // A fresh phone per run: the SMS cool-down and daily limit live in the KV (Redis keeps them between runs).
  const phone = `139${String(randomInt(100_000_000)).padStart(8, '0')}`;
  await call(base, 'POST', '/api/v1/auth/sms/send', { json: { phone } });
  const sms = await call<{ params: { code?: string } }>(base, 'GET', `/sim/sms/dev/outbox?phone=${phone}`);
  if (!sms.params.code) throw new Error(`the SMS to ${phone} carries no code`);
  const session = await call<{ token: string }>(base, 'POST', '/api/v1/auth/sms/login', { json: { phone, code: sms.params.code } });
  const auth = { authorization: `Bearer ${session.token}` };
  const idNumber = testIdNumber('19900101', String(randomInt(1000)).padStart(3, '0'));
  const me = await call<Me>(base, 'POST', '/api/v1/me/real-name', { json: { name: '张三', idNumber }, headers: auth });
  if (me.level !== 'L2') throw new Error(`real name left the citizen at ${me.level}`);
  return { auth, phone, idNumber };
}

/**
 * An in-house item that needs L2 and at most one required material; a time-limited one first
 * (the common path: the case is submitted and waits for staff), else any that fits.
 */
async function chooseItem(base: string): Promise<ServiceItem> {
  const summaries: ItemSummary[] = [];
  for (let page = 1; ; page++) {
    const res = await call<Page<ItemSummary>>(base, 'GET', `/api/v1/catalog/items?pageSize=50&page=${page}`);
    summaries.push(...res.items);
    if (res.items.length === 0 || summaries.length >= res.total) break;
  }
  const candidates: ServiceItem[] = [];
  for (const s of summaries.filter((i) => !UPSTREAM_DOMAINS.has(i.domain))) {
    const item = await call<ServiceItem>(base, 'GET', `/api/v1/catalog/items/${s.itemCode}`);
    const fits =
      item.enabled &&
      item.identityLevel === 'L2' &&
      item.materials.filter((m) => m.required).length <= 1 &&
      item.fee.amountFen === 0 &&
      (item.parallelApprovals ?? []).length === 0;
    if (fits) candidates.push(item);
  }
  const item = candidates.find((i) => i.handlingClass === 'time_limited') ?? candidates[0];
  if (!item) throw new Error('no in-house L2 item with at most one required material in the catalogue');
  return item;
}

/** The citizen, item, upload and request body; creates `setupCases` cases (the first checked for 201). */
export async function setupApplications(base: string, setupCases = 25): Promise<ApplicationsFixture> {
  const { auth, phone, idNumber } = await loginCitizen(base);
  const item = await chooseItem(base);

  const form = new FormData();
  form.append('file', new Blob([materialFixtures().jpeg], { type: 'image/jpeg' }), 'id-card.jpg');
  const upload = await call<Upload>(base, 'POST', '/api/v1/uploads', { body: form, headers: auth, expect: 201 });

  const formData = Object.fromEntries(item.formSchema.map((f) => [f.key, fieldValue(f, idNumber, phone)]));
  const materials = item.materials.filter((m) => m.required).map((m) => ({ materialName: m.name, uploadId: upload.uploadId }));
  const deliveryOption = item.deliveryOptions.includes('electronic') ? 'electronic' : item.deliveryOptions[0];
  const body = (idempotencyKey: string) => JSON.stringify({ itemCode: item.itemCode, idempotencyKey, formData, materials, deliveryOption });

  const run = randomBytes(6).toString('hex');
  let caseNo = '';
  for (let i = 0; i < setupCases; i++) {
    const detail = await call<ApplicationDetail>(base, 'POST', '/api/v1/applications', { json: JSON.parse(body(`bench-setup-${run}-${i}`)), headers: auth, expect: 201 });
    caseNo ||= detail.caseNo;
  }
  return { auth, item: { itemCode: item.itemCode, name: item.name, domain: item.domain, handlingClass: item.handlingClass }, body, caseNo, setupCases };
}

/** How many cases the citizen has now (the list's total). */
export async function caseCount(base: string, auth: { authorization: string }): Promise<number> {
  return (await call<Page<unknown>>(base, 'GET', '/api/v1/applications?pageSize=1', { headers: auth })).total;
}

export interface OutboxState {
  pending: number;
  dead: number;
  oldestDueSeconds: number;
  /** outbox_deliveries_total summed over topics, by outcome (delivered, retried, dead, lease_lost). */
  outcomes: Record<string, number>;
}

/** The outbox as GET /metrics shows it: the notices the submit run left behind and how delivery went. */
export async function outboxState(base: string): Promise<OutboxState> {
  const text = await (await fetch(`${base}/metrics`)).text();
  const state: OutboxState = { pending: 0, dead: 0, oldestDueSeconds: 0, outcomes: {} };
  for (const line of text.split('\n')) {
    const m = /^(\w+)(?:\{([^}]*)\})? (\S+)$/.exec(line);
    if (!m) continue;
    const [, name, labels = '', raw] = m;
    const value = Number(raw);
    const label = (key: string) => new RegExp(`${key}="([^"]*)"`).exec(labels)?.[1];
    if (name === 'outbox_entries' && label('status') === 'pending') state.pending = value;
    if (name === 'outbox_entries' && label('status') === 'dead') state.dead = value;
    if (name === 'outbox_oldest_due_seconds') state.oldestDueSeconds = value;
    if (name === 'outbox_deliveries_total') {
      const outcome = label('outcome') ?? 'unknown';
      state.outcomes[outcome] = (state.outcomes[outcome] ?? 0) + value;
    }
  }
  return state;
}
