import { createHash } from 'node:crypto';
import type { ApplicationSummary, BundleApplication, BundleDetail, BundleProgressState, CreateBundleApplicationRequest, ServiceItem } from '@onevisit/shared-types';
import { fromDbTime, toDbTime } from '../../db/sql';
import { AppError } from '../../http/errors';
import type { CatalogService } from '../catalog/service';
import type { IdentityService } from '../identity/service';
import type { CaseNumbers } from './caseNumbers';
import * as intake from './intake';
import type { ApplicationRepo, BundleRow } from './repo';
import type { ApplicationService } from './service';
import { summaryView } from './views';

const DONE_STATES = new Set(['completed', 'producing', 'shipped', 'ready_for_pickup', 'awaiting_payment', 'paid', 'approved']);
const REFUSED_STATES = new Set(['rejected', 'not_accepted']);

/**
 * 一件事: one combined form and one submission become one case per item of the bundle, linked by
 * the bundle's own number (bundle code + yyyyMMdd + sequence). Each case then lives its own life
 * (its department, its deadline); the bundle shows their progress together.
 *
 * Creation is resumable rather than one transaction: the bundle row comes first, then each item's
 * case under a key derived from the bundle's idempotency key, so a retry after a crash creates only
 * the cases still missing and never a second one.
 */
export class BundleApplications {
  constructor(
    private readonly cases: ApplicationService,
    private readonly repo: ApplicationRepo,
    private readonly catalog: CatalogService,
    private readonly identity: IdentityService,
    private readonly numbers: CaseNumbers,
  ) {}

  async create(userId: string, request: CreateBundleApplicationRequest): Promise<{ bundle: BundleApplication; created: boolean }> {
    const hash = intake.requestHash({ ...request, idempotencyKey: undefined });
    const bundle = await this.catalog.requireBundle(request.bundleCode);
    let row = await this.repo.findBundleByKey(userId, request.idempotencyKey);
    if (row && row.request_hash !== hash) throw new AppError('IDEMPOTENCY_KEY_REUSED', 'this idempotency key was used for a different application', { bundleCaseNo: row.bundle_case_no });
    const items = await Promise.all(bundle.items.map((i) => this.catalog.requireItem(i.itemCode)));
    const created = !row;
    if (!row) {
      await this.check(userId, bundle, items, request);
      row = await this.insert(userId, bundle, request, hash);
    }
    for (const item of items) {
      const materials = (request.materials ?? []).filter((m) => item.materials.some((x) => x.name === m.materialName));
      await this.cases.create(
        userId,
        { itemCode: item.itemCode, idempotencyKey: derivedKey(request.idempotencyKey, item.itemCode), formData: request.formData, materials, pendingMaterials: [], deliveryOption: request.deliveryOption, greenChannel: false, submit: true },
        { bundleCaseNo: row.bundle_case_no, formSchema: bundle.formSchema },
      );
    }
    return { bundle: await this.view(row), created };
  }

  async get(userId: string, bundleCaseNo: string): Promise<BundleApplication> {
    const row = await this.repo.findBundle(bundleCaseNo);
    if (!row || row.user_id !== userId) throw new AppError('BUNDLE_APPLICATION_NOT_FOUND', `no bundle application ${bundleCaseNo}`);
    return this.view(row);
  }

  /** Every item's checks before anything is written, so a bad bundle creates no case at all. */
  private async check(userId: string, bundle: BundleDetail, items: ServiceItem[], request: CreateBundleApplicationRequest): Promise<void> {
    intake.checkForm(bundle.formSchema, request.formData, new Date());
    const refs = request.materials ?? [];
    for (const item of items) {
      await this.identity.requireLevel(userId, item.itemCode);
      intake.checkDelivery(item, request.deliveryOption);
      intake.checkRequiredMaterials(item, refs.filter((m) => item.materials.some((x) => x.name === m.materialName)), []);
    }
    const known = new Set(items.flatMap((i) => i.materials.map((m) => m.name)));
    const unknown = (request.materials ?? []).filter((m) => !known.has(m.materialName)).map((m) => m.materialName);
    if (unknown.length) throw new AppError('MATERIAL_UNKNOWN', `这些材料不在本事项的材料清单中：${unknown.join('、')}`, { materials: unknown });
  }

  private async insert(userId: string, bundle: BundleDetail, request: CreateBundleApplicationRequest, hash: string): Promise<BundleRow> {
    const now = new Date();
    const row: BundleRow = {
      bundle_case_no: await this.numbers.next(bundle.bundleCode, now),
      bundle_code: bundle.bundleCode,
      bundle_name: bundle.name,
      user_id: userId,
      idempotency_key: request.idempotencyKey,
      request_hash: hash,
      created_at: toDbTime(now),
    };
    try {
      await this.repo.db.transaction().execute((trx) => this.repo.insertBundle(trx, row));
      return row;
    } catch (err) {
      const winner = await this.repo.findBundleByKey(userId, request.idempotencyKey);
      if (winner) return winner;
      throw err;
    }
  }

  private async view(row: BundleRow): Promise<BundleApplication> {
    const cases = (await this.repo.casesOfBundle(row.bundle_case_no)).map(summaryView);
    return {
      bundleCaseNo: row.bundle_case_no,
      bundleCode: row.bundle_code,
      bundleName: row.bundle_name,
      createdAt: fromDbTime(row.created_at),
      progress: progressOf(cases),
      done: cases.filter((c) => DONE_STATES.has(c.state)).length,
      total: cases.length,
      cases,
    };
  }
}

/** The bundle as a whole: refused if any case was refused, done when every case is. */
export function progressOf(cases: Pick<ApplicationSummary, 'state'>[]): BundleProgressState {
  if (cases.length && cases.every((c) => c.state === 'withdrawn')) return 'withdrawn';
  if (cases.some((c) => REFUSED_STATES.has(c.state))) return 'partly_refused';
  if (cases.length && cases.every((c) => c.state === 'completed')) return 'completed';
  return 'in_progress';
}

/** Each item's idempotency key inside a bundle: stable, short, and not guessable from the item. */
function derivedKey(bundleKey: string, itemCode: string): string {
  return `b${createHash('sha256').update(`${bundleKey}\u0000${itemCode}`).digest('hex').slice(0, 40)}`;
}
