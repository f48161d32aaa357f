/*
 * Electronic licences (电子证照): the types of the reference deployment, their fields, the
 * purposes a citizen presents them for, and who may see what. Zod-free: the mini-program, the
 * console, the BFF and relying parties' tools all read these tables.
 */

/** GB/T 36904 licence type codes: the issuing ministry's unified social credit code + a 3-digit sequence. */
export const LICENCE_TYPES = {
  id_card: { name: '居民身份证', typeCode: '11100000000013338W001', source: 'household' },
  driving_licence: { name: '机动车驾驶证', typeCode: '11100000000013338W002', source: 'traffic' },
  vehicle_licence: { name: '机动车行驶证', typeCode: '11100000000013338W003', source: 'traffic' },
  passport: { name: '普通护照', typeCode: '11100000000013338W004', source: 'exit_entry' },
  hk_macao_permit: { name: '往来港澳通行证', typeCode: '11100000000013338W005', source: 'exit_entry' },
  taiwan_permit: { name: '往来台湾通行证', typeCode: '11100000000013338W006', source: 'exit_entry' },
  residence_permit: { name: '居住证', typeCode: '11100000000013338W007', source: 'household' },
  household_register: { name: '居民户口簿', typeCode: '11100000000013338W008', source: 'household' },
  ebike_licence: { name: '电动自行车行驶证', typeCode: '11100000000013338W009', source: 'traffic' },
  national_eid: { name: '全国电子身份证明', typeCode: '11100000000013338W010', source: 'household' },
} as const;
export type LicenceType = keyof typeof LICENCE_TYPES;
export const LICENCE_TYPE_CODES = Object.keys(LICENCE_TYPES) as LicenceType[];

export const LICENCE_STATUS_NAMES = {
  valid: '有效',
  expired: '已过期',
  revoked: '已注销',
  abnormal: '状态异常',
} as const;
export type LicenceStatus = keyof typeof LICENCE_STATUS_NAMES;

/** The colour a verifier shows, as 交管12123 does: red for an abnormal licence. */
export const LICENCE_COLOURS = { green: '正常', red: '异常', grey: '失效' } as const;
export type LicenceColour = keyof typeof LICENCE_COLOURS;
export function licenceColour(status: LicenceStatus): LicenceColour {
  return status === 'valid' ? 'green' : status === 'abnormal' ? 'red' : 'grey';
}

/** Every field a licence may carry (the surface data), with its display name and whether it is personal data to mask. */
export const LICENCE_FIELDS = {
  name: { label: '姓名', pii: 'name' },
  gender: { label: '性别', pii: null },
  ethnicity: { label: '民族', pii: null },
  birthDate: { label: '出生日期', pii: 'date' },
  address: { label: '住址', pii: 'address' },
  idNumber: { label: '公民身份号码', pii: 'idNumber' },
  licenceNumber: { label: '证件号码', pii: 'number' },
  drivingClass: { label: '准驾车型', pii: null },
  points: { label: '累积记分', pii: null },
  plateNumber: { label: '号牌号码', pii: null },
  vehicleType: { label: '车辆类型', pii: null },
  vin: { label: '车辆识别代号', pii: 'number' },
  nationality: { label: '国籍', pii: null },
  householdHead: { label: '户主姓名', pii: 'name' },
  relation: { label: '与户主关系', pii: null },
  validFrom: { label: '有效期起', pii: null },
  validUntil: { label: '有效期至', pii: null },
  issuer: { label: '签发机关', pii: null },
} as const;
export type LicenceField = keyof typeof LICENCE_FIELDS;
export const LICENCE_FIELD_KEYS = Object.keys(LICENCE_FIELDS) as LicenceField[];

/** Which surface fields each licence type carries. */
export const LICENCE_TYPE_FIELDS: Record<LicenceType, readonly LicenceField[]> = {
  id_card: ['name', 'gender', 'ethnicity', 'birthDate', 'address', 'idNumber', 'validFrom', 'validUntil', 'issuer'],
  driving_licence: ['name', 'gender', 'idNumber', 'licenceNumber', 'drivingClass', 'points', 'validFrom', 'validUntil', 'issuer'],
  vehicle_licence: ['name', 'plateNumber', 'vehicleType', 'vin', 'validFrom', 'validUntil', 'issuer'],
  passport: ['name', 'gender', 'birthDate', 'nationality', 'licenceNumber', 'validFrom', 'validUntil', 'issuer'],
  hk_macao_permit: ['name', 'gender', 'birthDate', 'licenceNumber', 'validFrom', 'validUntil', 'issuer'],
  taiwan_permit: ['name', 'gender', 'birthDate', 'licenceNumber', 'validFrom', 'validUntil', 'issuer'],
  residence_permit: ['name', 'gender', 'idNumber', 'address', 'licenceNumber', 'validFrom', 'validUntil', 'issuer'],
  household_register: ['name', 'gender', 'birthDate', 'idNumber', 'address', 'householdHead', 'relation', 'issuer'],
  ebike_licence: ['name', 'plateNumber', 'vehicleType', 'validFrom', 'validUntil', 'issuer'],
  national_eid: ['name', 'idNumber', 'validUntil', 'issuer'],
};

/** Who verifies licences (a partner's relying-party type). */
export const RELYING_PARTY_TYPES = {
  hotel: '酒店旅馆',
  car_rental: '汽车租赁',
  airport: '机场安检',
  bank: '银行网点',
  patrol: '公安巡查',
} as const;
export type RelyingPartyType = keyof typeof RELYING_PARTY_TYPES;

/**
 * Why a citizen shows a licence (亮证): the licence types that serve, the fields it discloses
 * (custom: the citizen picks), and which relying parties may receive it.
 */
export const PRESENTATION_PURPOSES = {
  hotel_checkin: {
    name: '酒店入住',
    licenceTypes: ['id_card', 'national_eid', 'passport', 'hk_macao_permit', 'taiwan_permit'],
    fields: ['name', 'gender', 'ethnicity', 'birthDate', 'address', 'idNumber', 'licenceNumber', 'nationality', 'validUntil'],
    relyingParties: ['hotel', 'patrol'],
  },
  car_rental: {
    name: '汽车租赁',
    licenceTypes: ['driving_licence'],
    fields: ['name', 'idNumber', 'licenceNumber', 'drivingClass', 'validUntil'],
    relyingParties: ['car_rental', 'patrol'],
  },
  boarding: {
    name: '乘机安检',
    licenceTypes: ['id_card', 'national_eid', 'passport'],
    fields: ['name', 'idNumber', 'licenceNumber', 'validUntil'],
    relyingParties: ['airport', 'patrol'],
  },
  bank_business: {
    name: '银行业务',
    licenceTypes: ['id_card', 'national_eid', 'residence_permit'],
    fields: ['name', 'gender', 'idNumber', 'address', 'licenceNumber', 'validFrom', 'validUntil', 'issuer'],
    relyingParties: ['bank'],
  },
  patrol_check: {
    name: '公安核查',
    licenceTypes: ['id_card', 'national_eid', 'driving_licence', 'vehicle_licence', 'ebike_licence', 'residence_permit', 'passport'],
    fields: ['name', 'gender', 'idNumber', 'licenceNumber', 'drivingClass', 'points', 'plateNumber', 'vehicleType', 'validUntil'],
    relyingParties: ['patrol'],
  },
  custom: {
    name: '自选信息',
    licenceTypes: ['id_card', 'driving_licence', 'vehicle_licence', 'passport', 'hk_macao_permit', 'taiwan_permit', 'residence_permit', 'household_register', 'ebike_licence', 'national_eid'],
    fields: [],
    relyingParties: ['hotel', 'car_rental', 'airport', 'bank', 'patrol'],
  },
} as const satisfies Record<string, { name: string; licenceTypes: readonly LicenceType[]; fields: readonly LicenceField[]; relyingParties: readonly RelyingPartyType[] }>;
export type PresentationPurpose = keyof typeof PRESENTATION_PURPOSES;

/** What each kind of relying party may ever receive, whatever the citizen disclosed. */
export const RELYING_PARTY_FIELDS: Record<RelyingPartyType, readonly LicenceField[]> = {
  hotel: ['name', 'gender', 'ethnicity', 'birthDate', 'address', 'idNumber', 'licenceNumber', 'nationality', 'validUntil'],
  car_rental: ['name', 'idNumber', 'licenceNumber', 'drivingClass', 'validUntil'],
  airport: ['name', 'idNumber', 'licenceNumber', 'validUntil'],
  bank: ['name', 'gender', 'idNumber', 'address', 'licenceNumber', 'validFrom', 'validUntil', 'issuer'],
  patrol: LICENCE_FIELD_KEYS,
};

/** A presentation token lives at most this long. */
export const PRESENTATION_MAX_SECONDS = 60;
/** The `typ` header of a presentation token. */
export const PRESENTATION_TOKEN_TYPE = 'ov-licence+jwt';
