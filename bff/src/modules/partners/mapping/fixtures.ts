/**
 * Test data for the mapping tests: realistic canonical documents, each parsed through its
 * shared-types schema (so they are valid payloads, defaults applied). Not used at runtime.
 */
import {
  OpenCaseEventSchema,
  OpenCaseStatusSchema,
  OpenCatalogPageSchema,
  OpenEventPageSchema,
  OpenSubmitRequestSchema,
  OpenSubmitResponseSchema,
  OpenSupplyMaterialRequestSchema,
  type OpenCaseEvent,
  type OpenCaseStatus,
  type OpenCatalogPage,
  type OpenEventPage,
  type OpenSubmitResponse,
} from '@onevisit/shared-types';
import { seedItems } from '../../catalog/seed';
import type { DocumentType } from './engine';

/** 出生登记 (birth registration): its form has babyGender, a 性别 field. */
export const ITEM_CODE = '11430000006940002L070003001001';
export const CASE_NO = `${ITEM_CODE}202611280007`;
export const SERIAL_NO = 'HN2026112800001234';
export const ID_NUMBER = '430102199001011238';
/** A mutual-recognition token (its content is not checked by the mapping). */
export const TOKEN = 'eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiI0MzAxMDIifQ.c2lnbmF0dXJl';
const PDF_BASE64 = Buffer.from('%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n').toString('base64');
const JPEG_BASE64 = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00, 0x01, 0xff, 0xd9]).toString('base64');

/** The whole seed catalogue as one page (every item, every material and form field kind). */
export function catalogPage(): OpenCatalogPage {
  return OpenCatalogPageSchema.parse({
    items: seedItems.map((item, i) => ({ ...item, updatedAt: new Date(Date.UTC(2026, 10, 28, 3, 4, 5) + i * 61_000).toISOString() })),
    nextCursor: 'c_20261128_0042',
    hasMore: true,
  });
}

export function attestedSubmitRequest() {
  return OpenSubmitRequestSchema.parse({
    serialNo: SERIAL_NO,
    itemCode: ITEM_CODE,
    applicant: { kind: 'attested', name: '张晓明', idNumber: ID_NUMBER, phone: '13874561234', level: 'L3', verifiedAt: '2026-11-28T03:00:00.000Z' },
    formData: {
      babyName: '张小宝',
      babyGender: 'male',
      birthDate: '2026-11-20',
      birthCertificateNo: 'Q430123456',
      settleWith: 'father',
      parentIdNumber: ID_NUMBER,
      contactPhone: '13874561234',
    },
    deliveryOption: 'postal',
    greenChannel: false,
    materials: [{ materialName: '出生医学证明', fileName: '出生医学证明.pdf', contentType: 'application/pdf', contentBase64: PDF_BASE64 }],
    pendingMaterials: [{ materialName: '父母结婚证', promisedBy: '2026-12-05' }],
  });
}

/** A citizen identified by a token of a trusted issuer; defaults (no materials) applied by the schema. */
export function tokenSubmitRequest() {
  return OpenSubmitRequestSchema.parse({
    serialNo: 'HN2026112800001235',
    itemCode: ITEM_CODE,
    applicant: { kind: 'token', token: TOKEN },
    formData: { babyName: '李安', babyGender: 'female', settleWith: 'mother' },
    deliveryOption: 'window_pickup',
    greenChannel: true,
  });
}

export function caseStatus(): OpenCaseStatus {
  return OpenCaseStatusSchema.parse({
    caseNo: CASE_NO,
    serialNo: SERIAL_NO,
    itemCode: ITEM_CODE,
    itemName: '出生登记',
    state: 'accepted',
    stateName: '已受理',
    createdAt: '2026-11-28T03:04:05.000Z',
    submittedAt: '2026-11-28T03:04:05.000Z',
    acceptedAt: '2026-11-28T06:30:00.000Z',
    decidedAt: null,
    // midnight in Beijing: the dialect date is the next day
    deadlineAt: '2026-12-03T16:00:00.000Z',
    updatedAt: '2026-11-28T06:30:00.000Z',
    pendingMaterials: [
      { materialName: '父母结婚证', promisedBy: '2026-12-05', suppliedAt: null },
      { materialName: '随迁落户方居民户口簿', promisedBy: '2026-12-01', suppliedAt: '2026-11-30T01:15:00.000Z' },
    ],
    timeline: [
      { eventId: 'ev_0001', at: '2026-11-28T03:04:05.000Z', action: 'submit', actionName: '提交申请', state: 'submitted', stateName: '已提交', actor: 'citizen', note: null },
      { eventId: 'ev_0002', at: '2026-11-28T03:04:06.000Z', action: 'pre_review', actionName: '预审通过', state: 'pre_reviewed', stateName: '已预审', actor: 'system', note: null },
      {
        eventId: 'ev_0003',
        at: '2026-11-28T06:30:00.000Z',
        action: 'accept',
        actionName: '受理',
        state: 'accepted',
        stateName: '已受理',
        actor: 'staff',
        note: '容缺受理：父母结婚证于12月5日前补交',
      },
    ],
  });
}

export function submitResponse(): OpenSubmitResponse {
  return OpenSubmitResponseSchema.parse({ ...caseStatus(), created: true });
}

export function caseEvent(): OpenCaseEvent {
  return OpenCaseEventSchema.parse({
    eventId: 'ev_0003',
    type: 'case.status_changed',
    occurredAt: '2026-11-28T06:30:00.000Z',
    caseNo: CASE_NO,
    serialNo: SERIAL_NO,
    itemCode: ITEM_CODE,
    action: 'accept',
    actionName: '受理',
    state: 'accepted',
    stateName: '已受理',
    note: '容缺受理：父母结婚证于12月5日前补交',
  });
}

export function eventPage(): OpenEventPage {
  return OpenEventPageSchema.parse({
    events: [
      caseEvent(),
      { ...caseEvent(), eventId: 'ev_0009', occurredAt: '2026-12-02T01:02:03.000Z', action: 'complete', actionName: '办结', state: 'completed', stateName: '已办结', note: null },
    ],
    nextCursor: 'ev_0009',
    hasMore: false,
  });
}

export function supplyMaterialRequest() {
  return OpenSupplyMaterialRequestSchema.parse({ materialName: '父母结婚证', fileName: '结婚证.jpg', contentType: 'image/jpeg', contentBase64: JPEG_BASE64 });
}

/** Realistic canonical values of every document type. */
export function canonicalSamples(): Record<DocumentType, unknown[]> {
  return {
    catalogPage: [catalogPage(), OpenCatalogPageSchema.parse({ items: [], nextCursor: 'c_0', hasMore: false })],
    submitRequest: [attestedSubmitRequest(), tokenSubmitRequest()],
    submitResponse: [submitResponse(), { ...submitResponse(), created: false, timeline: [], pendingMaterials: [] }],
    caseStatus: [caseStatus()],
    event: [caseEvent()],
    eventPage: [eventPage(), OpenEventPageSchema.parse({ events: [], nextCursor: 'ev_0000', hasMore: false })],
    supplyMaterialRequest: [supplyMaterialRequest()],
  };
}
