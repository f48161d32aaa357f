/**
 * Enum values and their display names, with no dependency: the mini-program and the console
 * import them through `@onevisit/shared-types/client` without bundling zod. The zod schemas in
 * catalog.ts are built from these arrays, so there is one list per enum.
 */

/** The ten police service domains (警种/业务领域) of the catalogue. Codes are stable identifiers. */
export const DOMAINS = [
  { code: 'household', name: '户政', description: '户口、身份证、居住证等户籍业务' },
  { code: 'exit_entry', name: '出入境', description: '护照、港澳台通行证及签注' },
  { code: 'traffic', name: '交管', description: '驾驶证、机动车、交通违法与事故' },
  { code: 'public_order', name: '治安', description: '特种行业、公章、枪支、大型活动等治安管理' },
  { code: 'anti_drug', name: '禁毒', description: '易制毒化学品、戒毒与禁毒服务' },
  { code: 'cyber', name: '网安', description: '互联网安全、联网备案与网络犯罪举报' },
  { code: 'detention', name: '监管', description: '看守所、拘留所会见与财物等监管场所服务' },
  { code: 'legal', name: '法制', description: '行政复议、证明开具与执法公开' },
  { code: 'petition', name: '信访', description: '公安信访事项的提交、查询与评价' },
  { code: 'general', name: '综合', description: '移车、报警求助、证明材料等综合服务' },
] as const;
export type DomainCode = (typeof DOMAINS)[number]['code'];

/**
 * Item types of the national government-service catalogue (政务服务事项基本目录); the two digits
 * are the type segment of the item's basic code and must match the item's implementation code.
 */
export const ITEM_TYPES = {
  licensing: { digits: '01', name: '行政许可' },
  penalty: { digits: '02', name: '行政处罚' },
  enforcement: { digits: '03', name: '行政强制' },
  levy: { digits: '04', name: '行政征收' },
  benefit: { digits: '05', name: '行政给付' },
  inspection: { digits: '06', name: '行政检查' },
  confirmation: { digits: '07', name: '行政确认' },
  reward: { digits: '08', name: '行政奖励' },
  ruling: { digits: '09', name: '行政裁决' },
  other_power: { digits: '10', name: '其他行政权力' },
  public_service: { digits: '20', name: '公共服务' },
} as const;
export type ItemType = keyof typeof ITEM_TYPES;

/** 全程网办 fully online / 预约办理 by appointment / 最多跑一次 at most one visit. */
export const HANDLING_MODE_NAMES = {
  online: '全程网办',
  appointment: '预约办理',
  one_visit: '最多跑一次',
} as const;
export type HandlingMode = keyof typeof HANDLING_MODE_NAMES;

/** 立即办 immediate / 限时办 time-limited / 紧急办 urgent. */
export const HANDLING_CLASS_NAMES = {
  immediate: '立即办',
  time_limited: '限时办',
  urgent: '紧急办',
} as const;
export type HandlingClass = keyof typeof HANDLING_CLASS_NAMES;

export const DELIVERY_OPTION_NAMES = {
  window_pickup: '窗口领取',
  postal: '邮政寄递',
  electronic: '电子证照/电子文书',
} as const;
export type DeliveryOption = keyof typeof DELIVERY_OPTION_NAMES;

/** When the fee is due: never (free items), on submission, or after approval. */
export const FEE_DUE_NAMES = {
  none: '无需缴费',
  on_submission: '提交申请时缴费',
  after_approval: '审批通过后缴费',
} as const;
export type FeeDue = keyof typeof FEE_DUE_NAMES;

/** Identity assurance an item needs: L1 logged in, L2 real-name, L3 real-person (face). */
export const IDENTITY_LEVEL_NAMES = {
  L1: '登录即可办理',
  L2: '需实名认证',
  L3: '需实人认证（刷脸）',
} as const;
export type IdentityLevel = keyof typeof IDENTITY_LEVEL_NAMES;

/** 原件 / 复印件 / 原件和复印件 / 电子材料. */
export const MATERIAL_FORM_NAMES = {
  original: '原件',
  copy: '复印件',
  original_and_copy: '原件和复印件',
  electronic: '电子材料',
} as const;
export type MaterialForm = keyof typeof MATERIAL_FORM_NAMES;

export const SEARCH_MAX_LENGTH = 40;
export const MAX_PAGE_SIZE = 50;

/** The values of a name table, as the non-empty tuple z.enum wants. */
export function keysOf<T extends Record<string, unknown>>(table: T): [keyof T & string, ...(keyof T & string)[]] {
  return Object.keys(table) as [keyof T & string, ...(keyof T & string)[]];
}

export const LOGIN_PLATFORMS = ['wechat', 'alipay', 'h5'] as const;
export type LoginPlatform = (typeof LOGIN_PLATFORMS)[number];

/** The steps that raise a citizen's identity level, in order. */
export const IDENTITY_STEPS = ['login', 'real_name', 'face'] as const;
export type IdentityStep = (typeof IDENTITY_STEPS)[number];
export const IDENTITY_STEP_NAMES: Record<IdentityStep, string> = {
  login: '登录',
  real_name: '实名认证',
  face: '刷脸认证（实人）',
};

/** Face verification: WeChat's face API, Alipay's certify, the simulator's page in H5. */
export const FACE_METHODS = ['wechat', 'alipay', 'h5'] as const;
export type FaceMethod = (typeof FACE_METHODS)[number];

/** The level order: what each level adds. */
export const IDENTITY_LEVELS = ['L1', 'L2', 'L3'] as const;
export function levelAtLeast(current: IdentityLevel, required: IdentityLevel): boolean {
  return IDENTITY_LEVELS.indexOf(current) >= IDENTITY_LEVELS.indexOf(required);
}

// ---- staff roles and permissions: one table, used by the console's UI and the API ----

export const STAFF_ROLES = ['agent', 'approver', 'supervisor', 'admin'] as const;
export type StaffRole = (typeof STAFF_ROLES)[number];
export const STAFF_ROLE_NAMES: Record<StaffRole, string> = {
  agent: '坐席',
  approver: '审批员',
  supervisor: '督查员',
  admin: '管理员',
};

export const PERMISSIONS = [
  'citizen:search',
  'citizen:view',
  'citizen:unmask',
  'staff:read',
  'staff:manage',
  'audit:read',
  'catalog:manage',
  'outbox:manage',
  'cases:read',
  'cases:review',
  'partners:read',
  'partners:manage',
] as const;
export type Permission = (typeof PERMISSIONS)[number];

export const ROLE_PERMISSIONS: Record<StaffRole, readonly Permission[]> = {
  agent: ['citizen:search', 'citizen:view', 'citizen:unmask', 'cases:read'],
  approver: ['citizen:search', 'citizen:view', 'citizen:unmask', 'cases:read', 'cases:review'],
  supervisor: ['citizen:search', 'citizen:view', 'citizen:unmask', 'audit:read', 'staff:read', 'cases:read', 'partners:read'],
  admin: [
    'citizen:search',
    'citizen:view',
    'citizen:unmask',
    'audit:read',
    'staff:read',
    'staff:manage',
    'catalog:manage',
    'outbox:manage',
    'cases:read',
    'cases:review',
    'partners:read',
    'partners:manage',
  ],
};

export function roleCan(role: StaffRole, permission: Permission): boolean {
  return ROLE_PERMISSIONS[role].includes(permission);
}

/** Fields a staff member may unmask, each read audited with its reason. */
export const UNMASKABLE_FIELDS = ['name', 'idNumber', 'phone'] as const;
export type UnmaskableField = (typeof UNMASKABLE_FIELDS)[number];

/**
 * Every action the audit log records, with its display name. The BFF's AuditService accepts only
 * these, so a new action cannot reach the log without a name the console can show.
 */
export const AUDIT_ACTION_NAMES = {
  'citizen.search': '查询市民',
  'citizen.unmask': '查看完整个人信息',
  'staff.login': '登录',
  'staff.login_failed': '登录失败',
  'staff.login_locked': '锁定期间尝试登录',
  'staff.locked': '账号被锁定',
  'staff.logout': '退出',
  'staff.create': '新建人员',
  'staff.create_admin': '初始化管理员',
  'staff.update': '修改人员',
  'staff.password_reset': '重置密码',
  'calendar.update': '修改工作日历',
  'outbox.retry': '重试投递',
  'outbox.retry_topic': '批量重试投递',
  'case.unmask': '查看办件完整表单',
  'case.material_view': '查看办件材料',
  'payments.reconcile': '重新对账',
  'partner.create': '新建合作方',
  'partner.update': '修改合作方',
  'partner.secret_rotate': '轮换合作方密钥',
  'partner.secret_retire': '停用合作方旧密钥',
  'partner.webhook_secret_rotate': '轮换推送签名密钥',
  'partner.webhook_retry': '重新推送',
} as const;
export type AuditAction = keyof typeof AUDIT_ACTION_NAMES;

export const AUDIT_SUBJECT_TYPE_NAMES: Record<string, string> = {
  citizen: '市民',
  staff: '工作人员',
  phone_query: '按手机号查询',
  id_number_query: '按身份证号查询',
  calendar_day: '工作日历',
  case: '办件',
  bill: '对账单',
  outbox: '投递队列',
  partner: '合作方',
  webhook_delivery: '状态推送',
};

export const AUDIT_ACTOR_TYPE_NAMES = { staff: '工作人员', citizen: '市民', partner: '合作方', system: '系统' } as const;

export const UNMASKABLE_FIELD_NAMES: Record<UnmaskableField, string> = { name: '姓名', idNumber: '身份证号', phone: '手机号' };

// ---- applications (办件) ----

/** Every state of a case, in the order a case usually passes them, with the citizen-facing name. */
export const CASE_STATE_NAMES = {
  draft: '草稿',
  submitted: '已提交',
  pre_reviewed: '已预审',
  accepted: '已受理',
  supplement_requested: '待补正',
  not_accepted: '不予受理',
  in_review: '审批中',
  approved: '审批通过',
  rejected: '不予批准',
  awaiting_payment: '待缴费',
  paid: '已缴费',
  producing: '制证中',
  shipped: '已寄出',
  ready_for_pickup: '待领取',
  completed: '已办结',
  withdrawn: '已撤回',
} as const;
export type CaseState = keyof typeof CASE_STATE_NAMES;
export const CASE_STATES = Object.keys(CASE_STATE_NAMES) as CaseState[];

/** States a case never leaves. */
export const TERMINAL_CASE_STATES: readonly CaseState[] = ['not_accepted', 'rejected', 'completed', 'withdrawn'];

/** Every action that moves a case, with the name the timeline and the console's buttons show. */
export const CASE_ACTION_NAMES = {
  submit: '提交申请',
  payment_confirmed: '缴费成功',
  pre_review: '预审通过',
  accept: '受理',
  request_supplement: '要求补正材料',
  answer_supplement: '提交补正材料',
  not_accept: '不予受理',
  start_review: '进入审批',
  approve: '审批通过',
  reject: '不予批准',
  request_payment: '通知缴费',
  resume_after_payment: '缴费后继续办理',
  start_production: '开始制证',
  ship: '寄出',
  ready_for_pickup: '可领取',
  complete: '办结',
  withdraw: '撤回申请',
  delivery_update: '物流动态',
} as const;
export type CaseAction = keyof typeof CASE_ACTION_NAMES;
export const CASE_ACTIONS = Object.keys(CASE_ACTION_NAMES) as CaseAction[];

/** Who moved a case: the applicant, a staff member, a department's business system, the platform. */
export const CASE_ACTOR_NAMES = { citizen: '申请人', staff: '工作人员', upstream: '部门业务系统', system: '平台' } as const;
export type CaseActor = keyof typeof CASE_ACTOR_NAMES;

/** What staff may do to a case in the console (the rest belongs to the citizen, upstream or the platform). */
export const STAFF_CASE_ACTIONS = ['accept', 'request_supplement', 'not_accept', 'start_review', 'approve', 'reject', 'start_production', 'ship', 'ready_for_pickup', 'complete'] as const satisfies readonly CaseAction[];
export type StaffCaseAction = (typeof STAFF_CASE_ACTIONS)[number];

/**
 * Where a case's handling happens: in-house (approvers in the console) or a department's business
 * system, and whether that system has received it yet. `waiting` is what the citizen sees while
 * the outbox is still trying: "submitted, waiting for the department's system".
 */
export const UPSTREAM_DELIVERY_NAMES = {
  in_house: '本平台审批',
  waiting: '已提交，等待部门业务系统接收',
  delivered: '部门业务系统已接收',
} as const;
export type UpstreamDelivery = keyof typeof UPSTREAM_DELIVERY_NAMES;

/** The departments' business systems by domain; other domains are handled in-house. */
export const UPSTREAM_SYSTEM_NAMES = {
  household: '户政业务系统',
  exit_entry: '出入境业务系统',
  traffic: '交管业务系统',
  public_order: '治安业务系统',
} as const;
export type UpstreamSystemCode = keyof typeof UPSTREAM_SYSTEM_NAMES;

/** A signature in a parallel approval (并联审批). */
export const APPROVAL_DECISION_NAMES = { pending: '待会签', approved: '同意', rejected: '不同意' } as const;
export type ApprovalDecision = keyof typeof APPROVAL_DECISION_NAMES;

/** The deadline light of a case, plus `paused` while a supplement is outstanding. */
export const CASE_CLOCK_NAMES = { green: '正常', yellow: '即将到期', red: '已超期', paused: '补正中，计时暂停' } as const;
export type CaseClock = keyof typeof CASE_CLOCK_NAMES;

/** Channels that tell a citizen about their case. */
export const NOTIFICATION_CHANNEL_NAMES = { wechat: '微信订阅消息', alipay: '支付宝消息', sms: '短信' } as const;
export type NotificationChannel = keyof typeof NOTIFICATION_CHANNEL_NAMES;
export const NOTIFICATION_CHANNELS = Object.keys(NOTIFICATION_CHANNEL_NAMES) as NotificationChannel[];

/** A life-event bundle's progress over its cases. */
export const BUNDLE_PROGRESS_NAMES = { in_progress: '办理中', completed: '全部办结', partly_refused: '部分未通过', withdrawn: '已撤回' } as const;
export type BundleProgressState = keyof typeof BUNDLE_PROGRESS_NAMES;

/** Material uploads: images and PDF, sniffed from their bytes, at most 10 MB each. */
export const MAX_MATERIAL_BYTES = 10 * 1024 * 1024;
export const MATERIAL_MIMES_ALLOWED = ['image/jpeg', 'image/png', 'application/pdf', 'image/heic', 'image/heif'] as const;

// ---- payments and postal delivery ----

/** How a citizen pays: WeChat Pay in the WeChat mini-program (JSAPI), Alipay, WeChat Pay's H5 cashier in a browser. */
export const PAYMENT_CHANNEL_NAMES = { wechat: '微信支付', alipay: '支付宝', wechat_h5: '微信支付（网页）' } as const;
export type PaymentChannel = keyof typeof PAYMENT_CHANNEL_NAMES;

export const PAYMENT_STATE_NAMES = {
  paying: '待支付',
  paid: '已支付',
  closed: '已关闭',
  refunding: '退款中',
  refunded: '已退款',
  /** Paid after we closed the order (a late notification): to be refunded, never lost. */
  flagged: '关单后到账，待退款',
} as const;
export type PaymentState = keyof typeof PAYMENT_STATE_NAMES;

export const REFUND_STATE_NAMES = { processing: '退款中', success: '已退款', failed: '退款失败' } as const;
export type RefundState = keyof typeof REFUND_STATE_NAMES;

export const SHIPMENT_STATE_NAMES = {
  created: '已下单',
  picked_up: '已揽收',
  in_transit: '运输中',
  out_for_delivery: '派送中',
  signed: '已签收',
  returned: '已退回',
} as const;
export type ShipmentState = keyof typeof SHIPMENT_STATE_NAMES;

/** What a daily reconciliation can find between our orders and a channel's trade bill. */
export const MISMATCH_KIND_NAMES = {
  missing_in_bill: '我方已支付，账单无此交易',
  missing_in_orders: '账单有交易，我方无此订单',
  amount_differs: '金额不一致',
  state_differs: '状态不一致',
} as const;
export type MismatchKind = keyof typeof MISMATCH_KIND_NAMES;

// ---- open API partners (government platforms, relying parties) ----

/** What a partner may do through the open API; later capabilities add theirs here. */
export const PARTNER_SCOPES = ['catalog:read', 'cases:write', 'cases:read', 'identity:attest', 'licences:verify', 'licences:grant'] as const;
export type PartnerScope = (typeof PARTNER_SCOPES)[number];
export const PARTNER_SCOPE_NAMES: Record<PartnerScope, string> = {
  'catalog:read': '同步事项目录',
  'cases:write': '代为申办',
  'cases:read': '查询办件进度与事件',
  'identity:attest': '以本平台核验的身份申办',
  'licences:verify': '核验亮证二维码',
  'licences:grant': '凭授权读取电子证照',
};

export const SIGNATURE_ALGORITHMS = ['HMAC-SHA256', 'HMAC-SM3'] as const;
export type SignatureAlgorithm = (typeof SIGNATURE_ALGORITHMS)[number];

export const WEBHOOK_DELIVERY_STATUSES = ['pending', 'retrying', 'delivered', 'dead'] as const;
export const WEBHOOK_DELIVERY_STATUS_NAMES: Record<(typeof WEBHOOK_DELIVERY_STATUSES)[number], string> = {
  pending: '待推送',
  retrying: '重试中',
  delivered: '已送达',
  dead: '推送失败',
};
