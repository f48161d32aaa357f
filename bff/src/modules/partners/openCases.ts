import { createHash } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  CASE_ACTION_NAMES,
  CASE_STATE_NAMES,
  type CaseState,
  type MaterialRef,
  type OpenApplicant,
  type OpenCaseStatus,
  type OpenMaterialFile,
  type OpenSubmitRequestSchema,
  type OpenSubmitResponse,
} from '@onevisit/shared-types';
import type { z } from 'zod';
import { fromDbTime, toDbTime } from '../../db/sql';
import { AppError } from '../../http/errors';
import { requestHash, type Applications } from '../applications';
import type { IdentityService } from '../identity/service';
import type { PartnerCredentials } from './registry';
import type { PartnerRepo } from './repo';

type SubmitRequest = z.output<typeof OpenSubmitRequestSchema>;

/** How long a retry waits for the first submission of its serial number before answering IN_PROGRESS. */
const IN_PROGRESS_WAIT_MS = 3000;
const IN_PROGRESS_POLL_MS = 100;

/**
 * Submissions on a citizen's behalf by partner platforms, idempotent by the partner's own serial
 * number (申办流水号), and the progress of those cases. A partner sees only the cases it submitted.
 */
export class OpenCases {
  constructor(
    private readonly repo: PartnerRepo,
    private readonly applications: Pick<Applications, 'cases' | 'uploads'>,
    private readonly identity: IdentityService,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async submit(partner: PartnerCredentials, request: SubmitRequest): Promise<OpenSubmitResponse> {
    const hash = requestHash(request);
    const sansToken = request.applicant.kind === 'token' ? requestHash({ ...request, applicant: { kind: 'token' } }) : null;
    const reserved = await this.repo.reserveSerial({
      app_id: partner.appId,
      serial_no: request.serialNo,
      request_hash: hash,
      request_hash_sans_token: sansToken,
      case_no: null,
      created_at: toDbTime(this.now()),
    });
    if (!reserved) return this.replay(partner.appId, request, hash, sansToken);
    try {
      const userId = await this.applicant(partner, request.applicant);
      const materials = await this.store(userId, request.materials);
      const { detail } = await this.applications.cases.create(
        userId,
        {
          itemCode: request.itemCode,
          // Derived from the serial, so even a lost reservation cannot make two cases of one serial.
          idempotencyKey: `open-${createHash('sha256').update(`${partner.appId}\u0000${request.serialNo}`).digest('hex').slice(0, 40)}`,
          formData: request.formData,
          materials,
          pendingMaterials: request.pendingMaterials,
          deliveryOption: request.deliveryOption,
          greenChannel: request.greenChannel,
          submit: true,
        },
        undefined,
        (trx, caseNo) => this.repo.linkCase(trx, partner.appId, request.serialNo, caseNo),
      );
      return { ...(await this.status(partner.appId, detail.caseNo)), created: true };
    } catch (err) {
      // Refused before a case existed: the serial number is free for a corrected request.
      await this.repo.releaseSerial(partner.appId, request.serialNo);
      throw err;
    }
  }

  /**
   * The same serial again: the same body answers its case; another body is a conflict — except a
   * body that differs only by a freshly minted applicant token naming the same citizen.
   */
  private async replay(appId: string, request: SubmitRequest, hash: string, sansToken: string | null): Promise<OpenSubmitResponse> {
    const { serialNo } = request;
    const deadline = Date.now() + IN_PROGRESS_WAIT_MS;
    for (;;) {
      const row = await this.repo.serial(appId, serialNo);
      if (row && row.request_hash !== hash) {
        if (row.case_no && sansToken && row.request_hash_sans_token === sansToken && request.applicant.kind === 'token') {
          return this.replayWithNewToken(appId, serialNo, row.case_no, request.applicant.token);
        }
        throw new AppError('PARTNER_SERIAL_CONFLICT', `serial number ${serialNo} was used for a different submission`, { serialNo, caseNo: row.case_no });
      }
      if (row?.case_no) return { ...(await this.status(appId, row.case_no)), created: false };
      if (Date.now() >= deadline) throw new AppError('PARTNER_SERIAL_IN_PROGRESS', `serial number ${serialNo} is still being processed; retry in a second`, { serialNo });
      await sleep(IN_PROGRESS_POLL_MS);
    }
  }

  /** A retry whose first answer was lost, with a new token (the first one is spent): the same case if it names the same citizen. */
  private async replayWithNewToken(appId: string, serialNo: string, caseNo: string, token: string): Promise<OpenSubmitResponse> {
    const userId = await this.identity.recognisedExistingUser(token);
    const { row } = await this.applications.cases.progress(caseNo);
    if (userId !== row.user_id) {
      throw new AppError('PARTNER_SERIAL_CONFLICT', `serial number ${serialNo} was used for another citizen's submission`, { serialNo, caseNo });
    }
    return { ...(await this.status(appId, caseNo)), created: false };
  }

  private async applicant(partner: PartnerCredentials, applicant: OpenApplicant): Promise<string> {
    if (applicant.kind === 'token') return this.identity.recognisedUser(applicant.token);
    if (!partner.scopes.has('identity:attest')) throw new AppError('SCOPE_MISSING', 'an attested applicant needs the identity:attest scope; send a trusted issuer token instead', { scope: 'identity:attest' });
    return this.identity.attestedUser(partner, { name: applicant.name, idNumber: applicant.idNumber, level: applicant.level, verifiedAt: new Date(applicant.verifiedAt) });
  }

  private async store(userId: string, files: OpenMaterialFile[]): Promise<MaterialRef[]> {
    const refs: MaterialRef[] = [];
    for (const [i, file] of files.entries()) {
      const upload = await this.applications.uploads.receiveBytes(userId, decodeBase64(file.contentBase64, `materials.${i}.contentBase64`), file);
      refs.push({ materialName: file.materialName, uploadId: upload.uploadId });
    }
    return refs;
  }

  /** A 容缺 material promised at submission, supplied now. Supplying it again changes nothing. */
  async supplyMaterial(partner: PartnerCredentials, caseNo: string, file: OpenMaterialFile): Promise<OpenCaseStatus> {
    await this.ownLink(partner.appId, caseNo);
    const { row } = await this.applications.cases.progress(caseNo);
    const upload = await this.applications.uploads.receiveBytes(row.user_id, decodeBase64(file.contentBase64, 'contentBase64'), file);
    await this.applications.cases.supplyPending(row.user_id, caseNo, { materialName: file.materialName, uploadId: upload.uploadId });
    return this.status(partner.appId, caseNo);
  }

  async statusBySerial(appId: string, serialNo: string): Promise<OpenCaseStatus> {
    const row = await this.repo.serial(appId, serialNo);
    if (!row?.case_no) throw new AppError('APPLICATION_NOT_FOUND', `no case with serial number ${serialNo}`);
    return this.status(appId, row.case_no);
  }

  /** Another partner's case is as absent as a number never issued. */
  async status(appId: string, caseNo: string): Promise<OpenCaseStatus> {
    const link = await this.ownLink(appId, caseNo);
    const { row, timeline, pending } = await this.applications.cases.progress(caseNo);
    const iso = (t: string | null) => (t ? fromDbTime(t) : null);
    return {
      caseNo,
      serialNo: link.serial_no,
      itemCode: row.item_code,
      itemName: row.item_name,
      state: row.state as CaseState,
      stateName: CASE_STATE_NAMES[row.state as CaseState],
      createdAt: fromDbTime(row.created_at),
      submittedAt: iso(row.submitted_at),
      acceptedAt: iso(row.accepted_at),
      decidedAt: iso(row.decided_at),
      deadlineAt: iso(row.deadline_at),
      updatedAt: fromDbTime(row.updated_at),
      pendingMaterials: pending,
      timeline: timeline.map((e) => ({ eventId: e.eventId, at: e.at, action: e.action, actionName: CASE_ACTION_NAMES[e.action], state: e.state, stateName: CASE_STATE_NAMES[e.state], actor: e.actor, note: e.note })),
    };
  }

  private async ownLink(appId: string, caseNo: string) {
    const link = await this.repo.byCase(caseNo);
    if (!link || link.app_id !== appId) throw new AppError('APPLICATION_NOT_FOUND', `no case ${caseNo}`);
    return link;
  }
}

/** Strict base64: what decodes must encode back to the same text (Buffer.from alone skips junk). */
function decodeBase64(text: string, field: string): Buffer {
  const bytes = Buffer.from(text, 'base64');
  if (bytes.toString('base64').replace(/=+$/, '') !== text.replace(/=+$/, '')) {
    throw new AppError('MATERIAL_CONTENT_INVALID', `${field} is not valid base64`, { field: `body.${field}` });
  }
  return bytes;
}
