/**
 * Provincial licence library simulator (省电子证照库), speaking the protocol of
 * `adapters/licenceLibrary/client.ts`:
 *
 *   POST <prefix>/licence-library/v1/licences/query        signed {holderCode, holderCodeType?} → {licences}
 *   GET  <prefix>/licence-library/v1/licences/{licenceId}  signed → {licence} | 404 LICENCE_NOT_FOUND
 *   GET  <prefix>/licence-library/dev/holders/{idNumber}/licences   dev: what the library holds
 *   POST <prefix>/licence-library/dev/holders/{idNumber}/name      dev: {name} the holder's name
 *   POST <prefix>/licence-library/dev/licences/{licenceId}/revoke    dev: {note?}
 *   POST <prefix>/licence-library/dev/licences/{licenceId}/abnormal  dev: {note} e.g. 累积记分已满12分
 *   POST <prefix>/licence-library/dev/licences/{licenceId}/reissue   dev: new version, old revoked
 *   POST <prefix>/licence-library/dev/licences/{licenceId}/expire    dev
 *   POST <prefix>/licence-library/dev/licences/{licenceId}/restore   dev: abnormal → valid
 *   GET  <prefix>/licence-library/dev/deliveries                     dev: callback attempts
 *
 * What a person holds is a pure function of the resident ID number (and the current year, which
 * anchors issue dates so that generated licences are in their validity period): always 居民身份证,
 * 全国电子身份证明 and 居民户口簿 (for 港澳台 numbers 71/81/82 a 居住证 instead); 机动车驾驶证 for
 * most adults, 机动车行驶证 for some drivers, 普通护照, 往来港澳通行证, 往来台湾通行证, 电动自行车行驶证
 * for some, 居住证 for residents registered outside Changsha's urban area or outside Hunan.
 * Issuers are the Hunan bureaus of the holder's region (长沙市公安局芙蓉分局, 湖南省长沙市公安局
 * 交通警察支队, 长沙市公安局出入境管理支队 …) with deterministic, check-valid unified social
 * credit codes. Names come from the household simulator's residents, a registered name, or a
 * deterministic name table.
 *
 * The serial of every licence encodes its holder (an affine scramble of the ID number's first 17
 * digits, base 36) so `licence(licenceId)` finds the holder without any stored state, across
 * restarts. That is a simulator's shortcut — a real serial says nothing about its holder.
 *
 * Status changes (the dev hooks) are kept in memory and pushed as
 * `{eventId, licenceId, status, statusNote, replacedBy, at}` to `callbackUrl()`, signed with the
 * library's callback credentials (`adapters/signing.ts`), one holder's events in order, each
 * retried with exponential backoff a bounded number of times, then given up (see deliveries()).
 * Timers are unref'd; `stop()` cancels them and aborts callbacks in flight.
 */
import { createHash } from 'node:crypto';
import type { Context } from 'koa';
import {
  creditCodeCheckChar,
  isValidIdNumber,
  isValidLicenceId,
  LICENCE_TYPE_FIELDS,
  LICENCE_TYPES,
  makeLicenceId,
  parseLicenceId,
  PersonNameSchema,
  type LicenceField,
  type LicenceFieldValues,
  type LicenceStatus,
  type LicenceType,
} from '@onevisit/shared-types';
import { HOLDER_CODE_TYPE, type LibraryLicence, type LicenceLibraryEvent } from '../adapters/licenceLibrary/port';
import { guarded, type SimContext } from './context';
import { HOUSEHOLD_RESIDENTS } from './household';
import { refuse, signedGatewayServer } from './signed';
import { parseJsonObject, postSignedEvent, randomToken, readRawBody, SimTimers } from './util';

export interface LicenceLibrarySimCredentials {
  /** Ours: what the BFF signs its requests to the library with. */
  gateway: { appKey: string; appSecret: string };
  /** Theirs: what the library signs its status callbacks with (configure the callback verifier with it). */
  callback: { appKey: string; appSecret: string };
}

export function generateLicenceLibraryCredentials(): LicenceLibrarySimCredentials {
  return {
    gateway: { appKey: `ov-licence-library-${randomToken(4)}`, appSecret: randomToken(32, 'base64url') },
    callback: { appKey: `hn-dzzz-callback-${randomToken(4)}`, appSecret: randomToken(32, 'base64url') },
  };
}

export interface LicenceLibrarySimulatorOptions {
  credentials: LicenceLibrarySimCredentials;
  /** Where status events are POSTed, e.g. `() => 'http://127.0.0.1:3000/open/v1/licence-library/callback'`. */
  callbackUrl: () => string;
  /** Callback retries: attempts in all (default 5), first backoff (default 500 ms, doubling), cap (default 30 s). */
  retry?: { attempts?: number; baseDelayMs?: number; maxDelayMs?: number };
  /** Per callback attempt; default 5000 ms. */
  callbackTimeoutMs?: number;
  /** Holders with changed licences kept in memory before the oldest are forgotten; default 10 000. */
  maxHolders?: number;
}

export interface LicenceLibraryDeliveryAttempt {
  licenceId: string;
  eventId: string;
  status: LicenceStatus;
  attempt: number;
  /** The callback's HTTP status, or the network error's name. */
  outcome: number | string;
  ok: boolean;
  /** True on the last attempt of an event that was never accepted. */
  gaveUp: boolean;
}

export interface LicenceLibrarySimulator {
  /** Every licence of the holder, as the query answers it; [] for an invalid ID number. */
  licencesOf(idNumber: string): LibraryLicence[];
  /** One licence by identifier (any version), as the look-up answers it. */
  licence(licenceId: string): LibraryLicence | undefined;
  /** 注销. Undefined when unknown or already revoked. */
  revoke(licenceId: string, note?: string): LicenceLibraryEvent | undefined;
  /** 状态异常 with a reason (e.g. 累积记分已满12分). Undefined when unknown or revoked. */
  setAbnormal(licenceId: string, note: string): LicenceLibraryEvent | undefined;
  /** 换领: a new version, valid from today; the old one revoked with replacedBy. Undefined when unknown or revoked. */
  reissue(licenceId: string): { licence: LibraryLicence; event: LicenceLibraryEvent } | undefined;
  /** Ends the validity yesterday. Undefined when unknown, revoked or already expired. */
  expire(licenceId: string): LicenceLibraryEvent | undefined;
  /** Abnormal → valid (the points cleared). Undefined unless abnormal. */
  restore(licenceId: string): LicenceLibraryEvent | undefined;
  /** Fixes the name the library has for an ID number (dev: match a citizen's verified name). False for an invalid pair. */
  registerHolder(idNumber: string, name: string): boolean;
  /** Retry timers still pending. */
  pendingTimers(): number;
  /** Callback attempts so far, oldest first (bounded to the last 1000). */
  deliveries(): LicenceLibraryDeliveryAttempt[];
  /** Cancels every pending timer and callback in flight; nothing is scheduled afterwards. */
  stop(): void;
}

// ---- dates (YYYY-MM-DD strings, Asia/Shanghai)

const pad = (n: number, w = 2) => String(n).padStart(w, '0');
function ymd(y: number, m: number, d: number): string {
  const t = new Date(Date.UTC(y, m - 1, d)); // normalises Feb 29 of a common year to Mar 1
  return `${t.getUTCFullYear()}-${pad(t.getUTCMonth() + 1)}-${pad(t.getUTCDate())}`;
}
const parts = (s: string) => s.split('-').map(Number) as [number, number, number];
function addYears(s: string, n: number): string {
  const [y, m, d] = parts(s);
  return ymd(y + n, m, d);
}
function addDays(s: string, n: number): string {
  const [y, m, d] = parts(s);
  return ymd(y, m, d + n);
}
function yearsBetween(from: string, to: string): number {
  const [y1, m1, d1] = parts(from);
  const [y2, m2, d2] = parts(to);
  return y2 - y1 - (m2 < m1 || (m2 === m1 && d2 < d1) ? 1 : 0);
}
const minDate = (a: string, b: string) => (a < b ? a : b);
const maxDate = (a: string, b: string) => (a > b ? a : b);

// ---- where people live and who issues their licences

interface City {
  name: string;
  /** 号牌 prefix, e.g. 湘A. */
  plate: string;
  /** Short name on e-bike plates. */
  short: string;
  /** 6-digit region code of the city. */
  code: string;
}

const HUNAN_CITIES: Record<string, City> = {
  '4301': { name: '长沙市', plate: '湘A', short: '长沙', code: '430100' },
  '4302': { name: '株洲市', plate: '湘B', short: '株洲', code: '430200' },
  '4303': { name: '湘潭市', plate: '湘C', short: '湘潭', code: '430300' },
  '4304': { name: '衡阳市', plate: '湘D', short: '衡阳', code: '430400' },
  '4305': { name: '邵阳市', plate: '湘E', short: '邵阳', code: '430500' },
  '4306': { name: '岳阳市', plate: '湘F', short: '岳阳', code: '430600' },
  '4307': { name: '常德市', plate: '湘J', short: '常德', code: '430700' },
  '4308': { name: '张家界市', plate: '湘G', short: '张家界', code: '430800' },
  '4309': { name: '益阳市', plate: '湘H', short: '益阳', code: '430900' },
  '4310': { name: '郴州市', plate: '湘L', short: '郴州', code: '431000' },
  '4311': { name: '永州市', plate: '湘M', short: '永州', code: '431100' },
  '4312': { name: '怀化市', plate: '湘N', short: '怀化', code: '431200' },
  '4313': { name: '娄底市', plate: '湘K', short: '娄底', code: '431300' },
  '4331': { name: '湘西土家族苗族自治州', plate: '湘U', short: '湘西', code: '433100' },
};

/** Districts and counties by region code (a sample of each city; others fall back to one of them). */
const HUNAN_DISTRICTS: Record<string, { name: string; streets: readonly string[] }> = {
  '430102': { name: '芙蓉区', streets: ['五一大道', '韶山北路', '解放西路', '八一路', '远大一路'] },
  '430103': { name: '天心区', streets: ['劳动西路', '书院路', '湘府中路', '芙蓉南路', '城南西路'] },
  '430104': { name: '岳麓区', streets: ['麓山南路', '枫林三路', '桐梓坡路', '潇湘中路', '银盆岭路'] },
  '430105': { name: '开福区', streets: ['湘江中路', '芙蓉中路', '三一大道', '福元西路', '中山路'] },
  '430111': { name: '雨花区', streets: ['万家丽中路', '劳动东路', '香樟路', '时代阳光大道', '韶山中路'] },
  '430112': { name: '望城区', streets: ['雷锋大道', '金星北路', '郭亮路', '旺旺路'] },
  '430121': { name: '长沙县', streets: ['开元东路', '星沙大道', '东四路', '板仓路'] },
  '430181': { name: '浏阳市', streets: ['金沙路', '白沙路', '人民路', '北正路'] },
  '430182': { name: '宁乡市', streets: ['花明路', '玉潭路', '一环路', '春城路'] },
  '430202': { name: '荷塘区', streets: ['新华路', '红旗北路', '荷塘路'] },
  '430211': { name: '天元区', streets: ['长江北路', '黄河路', '珠江南路'] },
  '430302': { name: '雨湖区', streets: ['韶山西路', '人民路', '建设北路'] },
  '430304': { name: '岳塘区', streets: ['芙蓉大道', '岳塘路', '建设南路'] },
  '430407': { name: '石鼓区', streets: ['解放路', '人民路', '蒸湘北路'] },
  '430408': { name: '蒸湘区', streets: ['蒸湘南路', '船山大道', '解放西路'] },
  '430502': { name: '双清区', streets: ['宝庆东路', '邵阳大道', '双拥路'] },
  '430602': { name: '岳阳楼区', streets: ['巴陵中路', '五里牌路', '金鹗中路'] },
  '430702': { name: '武陵区', streets: ['洞庭大道', '朗州路', '人民路'] },
  '430802': { name: '永定区', streets: ['解放路', '大庸路', '子午路'] },
  '430902': { name: '资阳区', streets: ['五一西路', '资江西路', '大码头路'] },
  '431002': { name: '北湖区', streets: ['国庆北路', '人民西路', '燕泉路'] },
  '431102': { name: '零陵区', streets: ['潇水路', '南津路', '芝山路'] },
  '431202': { name: '鹤城区', streets: ['迎丰路', '人民路', '锦溪路'] },
  '431302': { name: '娄星区', streets: ['长青街', '乐坪大道', '湘中大道'] },
  '433101': { name: '吉首市', streets: ['人民路', '世纪大道', '团结路'] },
};

/** Changsha's urban districts, where residents from elsewhere live. */
const CHANGSHA_URBAN = ['430102', '430103', '430104', '430105', '430111'];

/** Other provinces: where their residents' household registration sits (the capital's central district). */
const PROVINCES: Record<string, { province: string; city: string; district: string; street: string }> = {
  '11': { province: '', city: '北京市', district: '东城区', street: '东长安街' },
  '12': { province: '', city: '天津市', district: '和平区', street: '南京路' },
  '13': { province: '河北省', city: '石家庄市', district: '长安区', street: '中山东路' },
  '14': { province: '山西省', city: '太原市', district: '小店区', street: '长风大街' },
  '15': { province: '内蒙古自治区', city: '呼和浩特市', district: '新城区', street: '新华大街' },
  '21': { province: '辽宁省', city: '沈阳市', district: '和平区', street: '南京北街' },
  '22': { province: '吉林省', city: '长春市', district: '朝阳区', street: '人民大街' },
  '23': { province: '黑龙江省', city: '哈尔滨市', district: '南岗区', street: '红军街' },
  '31': { province: '', city: '上海市', district: '黄浦区', street: '南京东路' },
  '32': { province: '江苏省', city: '南京市', district: '玄武区', street: '中山路' },
  '33': { province: '浙江省', city: '杭州市', district: '西湖区', street: '文三路' },
  '34': { province: '安徽省', city: '合肥市', district: '蜀山区', street: '长江西路' },
  '35': { province: '福建省', city: '福州市', district: '鼓楼区', street: '五四路' },
  '36': { province: '江西省', city: '南昌市', district: '东湖区', street: '八一大道' },
  '37': { province: '山东省', city: '济南市', district: '历下区', street: '泉城路' },
  '41': { province: '河南省', city: '郑州市', district: '金水区', street: '花园路' },
  '42': { province: '湖北省', city: '武汉市', district: '江岸区', street: '解放大道' },
  '44': { province: '广东省', city: '广州市', district: '天河区', street: '天河路' },
  '45': { province: '广西壮族自治区', city: '南宁市', district: '青秀区', street: '民族大道' },
  '46': { province: '海南省', city: '海口市', district: '龙华区', street: '国贸大道' },
  '50': { province: '', city: '重庆市', district: '渝中区', street: '解放碑' },
  '51': { province: '四川省', city: '成都市', district: '锦江区', street: '春熙路' },
  '52': { province: '贵州省', city: '贵阳市', district: '云岩区', street: '中华北路' },
  '53': { province: '云南省', city: '昆明市', district: '五华区', street: '人民中路' },
  '54': { province: '西藏自治区', city: '拉萨市', district: '城关区', street: '北京中路' },
  '61': { province: '陕西省', city: '西安市', district: '雁塔区', street: '长安南路' },
  '62': { province: '甘肃省', city: '兰州市', district: '城关区', street: '东岗西路' },
  '63': { province: '青海省', city: '西宁市', district: '城中区', street: '南大街' },
  '64': { province: '宁夏回族自治区', city: '银川市', district: '兴庆区', street: '解放西街' },
  '65': { province: '新疆维吾尔自治区', city: '乌鲁木齐市', district: '天山区', street: '解放北路' },
};

/** Not mainland household registration: 港澳台居民居住证 numbers. */
const NON_MAINLAND = new Set(['71', '81', '82']);

/** 长沙市公安局芙蓉分局 for an urban district, 长沙县公安局 / 浏阳市公安局 for a county or county-level city. */
function policeBureau(city: string, district: string): string {
  if (district.endsWith('区')) {
    const short = district.length > 2 ? district.slice(0, -1) : district; // 渝中区 → 渝中分局
    return `${city}公安局${short}分局`;
  }
  return `${district}公安局`;
}

interface Place {
  /** 6-digit region code. */
  code: string;
  /** Full address prefix, e.g. 湖南省长沙市芙蓉区. */
  prefix: string;
  streets: readonly string[];
  /** The bureau that keeps the household register and issues ID cards and 居住证. */
  bureau: string;
  /** The Hunan city (for traffic and exit-entry issuers); undefined outside Hunan. */
  city?: City;
}

function hunanPlace(code: string): Place {
  const d = HUNAN_DISTRICTS[code];
  const city = HUNAN_CITIES[code.slice(0, 4)];
  const cityName = city.name;
  return { code, prefix: `湖南省${cityName}${d.name}`, streets: d.streets, bureau: policeBureau(cityName, d.name), city };
}

const GB11714_WEIGHTS = [3, 7, 9, 10, 5, 8, 4, 2];

/** A deterministic, check-valid 18-character unified social credit code of a public-security organ (机关, 11) in a region. */
export function simIssuerCode(issuer: string, regionCode: string): string {
  if (issuer === '公安部') return '11100000000013338W';
  const digest = createHash('sha256').update(`issuer|${issuer}`).digest();
  let org = '';
  for (let i = 0; i < 8; i++) org += String(digest[i] % 10);
  const sum = org.split('').reduce((acc, c, i) => acc + Number(c) * GB11714_WEIGHTS[i], 0);
  const c9 = 11 - (sum % 11);
  org += c9 === 10 ? 'X' : c9 === 11 ? '0' : String(c9);
  const first17 = `11${regionCode}${org}`;
  return first17 + creditCodeCheckChar(first17);
}

// ---- names

const SURNAMES = ['刘', '李', '陈', '王', '张', '周', '彭', '谭', '罗', '杨', '黄', '赵', '吴', '邓', '曾', '胡', '唐', '蒋', '肖', '欧阳', '龙', '贺', '易', '何', '廖', '向', '田', '夏', '文', '朱'];
const COMPOUND_SURNAMES = ['欧阳', '司马', '上官', '诸葛', '东方', '皇甫', '尉迟', '公孙', '慕容', '令狐'];
const GIVEN = {
  男: ['伟', '强', '磊', '军', '勇', '杰', '涛', '斌', '超', '明', '辉', '鹏', '华', '飞', '俊', '浩', '宇', '轩', '博', '文', '志', '建', '国', '平', '湘', '岳'],
  女: ['芳', '娜', '敏', '静', '丽', '艳', '娟', '霞', '玲', '婷', '雪', '慧', '颖', '琳', '欣', '怡', '佳', '丹', '萍', '红', '梅', '兰', '倩', '璐', '湘', '蓉'],
};
const ETHNIC_MINORITIES = ['土家', '苗', '侗', '瑶', '回', '白', '壮'];

function surnameOf(name: string): string {
  if (name.includes('·')) return '';
  return COMPOUND_SURNAMES.find((s) => name.startsWith(s)) ?? Array.from(name)[0] ?? '';
}

// ---- the holder's deterministic profile

type Gender = '男' | '女';

interface Person {
  idNumber: string;
  name: string;
  gender: Gender;
  birthDate: string;
  ethnicity: string;
  /** Household registration. */
  home: Place;
  /** Where the person lives now (a Hunan place): home for most, a Changsha district for others. */
  residence: Place;
  homeAddress: string;
  residenceAddress: string;
  nonMainland: boolean;
}

/** Deterministic draws for one ID number: each tag is an independent, stable choice. */
function draws(idNumber: string) {
  const num = (tag: string) => createHash('sha256').update(`${idNumber}|${tag}`).digest().readUIntBE(0, 6);
  return {
    pick: (tag: string, n: number) => num(tag) % n,
    chance: (tag: string, percent: number) => num(tag) % 1000 < percent * 10,
    from: <T>(tag: string, list: readonly T[]): T => list[num(tag) % list.length],
    digits: (tag: string, n: number) => {
      const h = createHash('sha256').update(`${idNumber}|${tag}`).digest();
      let s = '';
      for (let i = 0; i < n; i++) s += String(h[i % 32] % 10);
      return s;
    },
  };
}

// ---- serials: the holder, recoverable

const SERIAL_MOD = 10n ** 17n;
const SERIAL_MUL = 48_271_989_012_345_677n; // odd, not a multiple of 5: invertible mod 10^17
const SERIAL_ADD = 31_415_926_535_897_932n;
const SERIAL_LENGTH = 11; // 36^11 > 10^17

function modInverse(a: bigint, m: bigint): bigint {
  let [r0, r1] = [a % m, m];
  let [s0, s1] = [1n, 0n];
  while (r1 !== 0n) {
    const q = r0 / r1;
    [r0, r1] = [r1, r0 - q * r1];
    [s0, s1] = [s1, s0 - q * s1];
  }
  return ((s0 % m) + m) % m;
}
const SERIAL_MUL_INV = modInverse(SERIAL_MUL, SERIAL_MOD);

function serialOf(idNumber: string): string {
  const x = BigInt(idNumber.slice(0, 17));
  const y = (SERIAL_MUL * x + SERIAL_ADD) % SERIAL_MOD;
  return y.toString(36).toUpperCase().padStart(SERIAL_LENGTH, '0');
}

function holderOfSerial(serial: string, today: Date): string | undefined {
  if (!/^[0-9A-Z]{11}$/.test(serial)) return undefined;
  let y = 0n;
  for (const c of serial) y = y * 36n + BigInt(parseInt(c, 36));
  if (y >= SERIAL_MOD) return undefined;
  const x = (((y - SERIAL_ADD) % SERIAL_MOD) + SERIAL_MOD) % SERIAL_MOD;
  const first17 = (x * SERIAL_MUL_INV % SERIAL_MOD).toString().padStart(17, '0');
  for (const check of '0123456789X') {
    if (isValidIdNumber(first17 + check, today)) return first17 + check;
  }
  return undefined;
}

// ---- the simulator

const SHOWCASE_HOLDER = HOUSEHOLD_RESIDENTS[0].idNumber;

const DEFAULT_NOTES = { revoked: '已注销', reissued: '已换领新证', expired: '已超过有效期' } as const;

export function licenceLibrarySimulator(sim: SimContext, options: LicenceLibrarySimulatorOptions): LicenceLibrarySimulator {
  const gateway = signedGatewayServer(options.credentials.gateway, sim.now);
  const attempts = Math.max(1, Math.min(options.retry?.attempts ?? 5, 20));
  const baseBackoff = options.retry?.baseDelayMs ?? 500;
  const maxBackoff = options.retry?.maxDelayMs ?? 30_000;
  const callbackTimeout = options.callbackTimeoutMs ?? 5000;
  const maxHolders = options.maxHolders ?? 10_000;

  const residents = new Map(HOUSEHOLD_RESIDENTS.map((r) => [r.idNumber, r.name]));
  const registeredNames = new Map<string, string>();
  /** Holders whose licences changed: their full list, edited in place. */
  const changed = new Map<string, LibraryLicence[]>();
  const queues = new Map<string, { outbox: LicenceLibraryEvent[]; delivering: boolean }>();
  const attemptsLog: LicenceLibraryDeliveryAttempt[] = [];
  const timers = new SimTimers();
  const aborter = new AbortController();

  const todayDate = () => new Date(sim.now());
  const today = () => new Date(sim.now() + 8 * 3600_000).toISOString().slice(0, 10);
  const isoNow = () => new Date(sim.now()).toISOString();

  function nameFor(idNumber: string, gender: Gender, d: ReturnType<typeof draws>): string {
    const known = registeredNames.get(idNumber) ?? residents.get(idNumber);
    if (known) return known;
    const list = GIVEN[gender];
    const first = d.pick('given1', list.length);
    const second = d.chance('given2?', 70) ? list[(first + 1 + d.pick('given2', list.length - 1)) % list.length] : '';
    return d.from('surname', SURNAMES) + list[first] + second;
  }

  function person(idNumber: string): Person {
    const d = draws(idNumber);
    const region = idNumber.slice(0, 6);
    const gender: Gender = Number(idNumber[16]) % 2 === 1 ? '男' : '女';
    const birthDate = `${idNumber.slice(6, 10)}-${idNumber.slice(10, 12)}-${idNumber.slice(12, 14)}`;
    const name = nameFor(idNumber, gender, d);
    const nonMainland = NON_MAINLAND.has(region.slice(0, 2));
    const ethnicity = name.includes('·') ? '维吾尔' : d.chance('minority', 12) ? d.from('ethnicity', ETHNIC_MINORITIES) : '汉';

    const changsha = () => hunanPlace(d.from('changsha', CHANGSHA_URBAN));
    let home: Place;
    if (region.startsWith('43')) {
      if (HUNAN_DISTRICTS[region]) home = hunanPlace(region);
      else {
        const inCity = Object.keys(HUNAN_DISTRICTS).filter((c) => c.startsWith(region.slice(0, 4)));
        home = inCity.length ? hunanPlace(d.from('district', inCity)) : changsha();
      }
    } else if (PROVINCES[region.slice(0, 2)]) {
      const p = PROVINCES[region.slice(0, 2)];
      home = { code: `${region.slice(0, 2)}0100`, prefix: `${p.province}${p.city}${p.district}`, streets: [p.street], bureau: policeBureau(p.city, p.district) };
    } else {
      home = changsha(); // 港澳台 numbers: no mainland household register; they live in Changsha
    }
    // Residents registered outside Hunan live in Changsha; some from other Hunan cities do too.
    const movedToChangsha = !home.city || (home.city.code !== '430100' && d.chance('moved', 15));
    const residence = movedToChangsha ? changsha() : home;
    const address = (p: Place, tag: string) => `${p.prefix}${d.from(`${tag}.street`, p.streets)}${1 + d.pick(`${tag}.no`, 398)}号${d.chance(`${tag}.flat?`, 70) ? `${1 + d.pick(`${tag}.building`, 12)}栋${1 + d.pick(`${tag}.floor`, 30)}${pad(1 + d.pick(`${tag}.room`, 6))}室` : ''}`;
    return { idNumber, name, gender, birthDate, ethnicity, home, residence, homeAddress: address(home, 'home'), residenceAddress: address(residence, 'residence'), nonMainland };
  }

  /** Every licence of an ID number, as first issued (no status changes). */
  function generate(idNumber: string): LibraryLicence[] {
    const p = person(idNumber);
    const base = draws(idNumber);
    // The household simulator's first resident (张三) holds every licence he can, for demos.
    const d = idNumber === SHOWCASE_HOLDER ? { ...base, chance: () => true } : base;
    const t = today();
    const year = Number(t.slice(0, 4));
    const age = yearsBetween(p.birthDate, t);
    const serial = serialOf(idNumber);
    const out: LibraryLicence[] = [];
    const residenceCity = p.residence.city ?? HUNAN_CITIES['4301'];
    const trafficIssuer = `湖南省${residenceCity.name}公安局交通警察支队`;
    const exitEntryIssuer = `${residenceCity.name}公安局出入境管理支队`;

    /** A date within the last `years` years (k = 1…years−1 years ago, or this year, never after today), not before `earliest`. */
    const issuedWithin = (tag: string, years: number, earliest: string): string => {
      const k = years > 1 ? 1 + d.pick(`${tag}.k`, years - 1) : 0;
      const date = ymd(year - k, 1 + d.pick(`${tag}.m`, 12), 1 + d.pick(`${tag}.d`, 28));
      return minDate(maxDate(date, earliest), t);
    };

    /**
     * The current issue of a document whose validity depends on the age at issue (null: 长期):
     * the latest of a deterministic year k…0 years ago that is still valid today.
     */
    const currentIssue = (tag: string, maxYearsAgo: number, earliest: string, validityAt: (issued: string) => number | null): [string, string | null] => {
      const m = 1 + d.pick(`${tag}.m`, 12);
      const day = 1 + d.pick(`${tag}.d`, 28);
      let issued = t;
      for (let k = 1 + d.pick(`${tag}.k`, maxYearsAgo); k >= 0; k--) {
        issued = minDate(maxDate(ymd(year - k, m, day), earliest), t);
        const v = validityAt(issued);
        if (v === null || addYears(issued, v) > t) break;
      }
      const v = validityAt(issued);
      return [issued, v === null ? null : addYears(issued, v)];
    };
    const ageAt = (date: string) => yearsBetween(p.birthDate, date);

    const add = (type: LicenceType, meta: { number: string; issuer: string; issuerRegion: string; issueDate: string; validFrom: string; validUntil: string | null }, fields: Partial<Record<LicenceField, string>>) => {
      const issuerCode = simIssuerCode(meta.issuer, meta.issuerRegion);
      const typeCode = LICENCE_TYPES[type].typeCode;
      const wanted = LICENCE_TYPE_FIELDS[type];
      const all: Partial<Record<LicenceField, string>> = { name: p.name, validFrom: meta.validFrom, validUntil: meta.validUntil ?? '长期', issuer: meta.issuer, ...fields };
      out.push({
        licenceId: makeLicenceId({ typeCode, issuerCode, serial, version: 1 }),
        type,
        typeCode,
        name: LICENCE_TYPES[type].name,
        number: meta.number,
        issuer: meta.issuer,
        issuerCode,
        issueDate: meta.issueDate,
        holder: p.name,
        holderCode: idNumber,
        holderCodeType: HOLDER_CODE_TYPE,
        validFrom: meta.validFrom,
        validUntil: meta.validUntil,
        status: 'valid',
        statusNote: null,
        version: 1,
        replacedBy: null,
        fields: Object.fromEntries(wanted.filter((k) => all[k] !== undefined).map((k) => [k, all[k] as string])) as LicenceFieldValues,
      });
    };

    // 居民身份证: 5 years under 16 at issue, 10 under 26, 20 under 46, then 长期.
    let idCardUntil: string | null = null;
    let idCardIssued = p.birthDate;
    if (!p.nonMainland) {
      const [issued, until] = currentIssue('id', 9, addDays(p.birthDate, 30), (at) => (ageAt(at) < 16 ? 5 : ageAt(at) < 26 ? 10 : ageAt(at) < 46 ? 20 : null));
      idCardIssued = issued;
      idCardUntil = until;
      add('id_card', { number: idNumber, issuer: p.home.bureau, issuerRegion: p.home.code, issueDate: issued, validFrom: issued, validUntil: idCardUntil }, {
        gender: p.gender,
        ethnicity: p.ethnicity,
        birthDate: p.birthDate,
        address: p.homeAddress,
        idNumber,
      });

      // 全国电子身份证明 (CTID): applied for online since the card, valid as long as the card.
      const eidIssued = maxDate(issuedWithin('eid', 3, idCardIssued), '2018-04-01');
      add('national_eid', { number: `CTID${d.digits('eid.no', 16)}`, issuer: '公安部', issuerRegion: '100000', issueDate: minDate(eidIssued, t), validFrom: minDate(eidIssued, t), validUntil: idCardUntil }, { idNumber });

      // 居民户口簿
      const surname = surnameOf(p.name);
      const relation = age >= 18 ? (d.chance('head', 55) || !surname ? '户主' : d.chance('spouse', 60) ? '配偶' : p.gender === '男' ? '子' : '女') : p.gender === '男' ? '子' : '女';
      const headGender: Gender = relation === '配偶' ? (p.gender === '男' ? '女' : '男') : d.chance('headGender', 60) ? '男' : '女';
      const head =
        relation === '户主'
          ? p.name
          : (relation === '配偶' ? d.from('head.surname', SURNAMES) : surname || d.from('head.surname', SURNAMES)) + d.from('head.given1', GIVEN[headGender]) + d.from('head.given2', GIVEN[headGender]);
      const hukouIssued = issuedWithin('hukou', 15, p.birthDate);
      add('household_register', { number: d.digits('hukou.no', 9).replace(/^0/, '1'), issuer: p.home.bureau, issuerRegion: p.home.code, issueDate: hukouIssued, validFrom: hukouIssued, validUntil: null }, {
        gender: p.gender,
        birthDate: p.birthDate,
        idNumber,
        address: p.homeAddress,
        householdHead: head,
        relation,
      });
    }

    // 居住证: residents away from their household registration (and 港澳台居民, who have no mainland one).
    if (p.residence !== p.home || p.nonMainland) {
      const issued = issuedWithin('rp', 3, p.birthDate);
      const [, m, day] = parts(issued);
      let until = ymd(year, m, day);
      if (until <= t) until = ymd(year + 1, m, day);
      const number = `${p.residence.code}${issued.slice(0, 4)}${d.digits('rp.no', 6)}`;
      add('residence_permit', { number, issuer: p.residence.bureau, issuerRegion: p.residence.code, issueDate: issued, validFrom: issued, validUntil: until }, {
        gender: p.gender,
        idNumber,
        address: p.residenceAddress,
        licenceNumber: number,
      });
    }

    // 机动车驾驶证: most adults. First licence at 18 or later; 6 years, then 10, then 长期.
    let firstLicence: string | null = null;
    if (age >= 18 && d.chance('driver', 65)) {
      const held = d.pick('dl.held', Math.min(age - 18, 25) + 1);
      firstLicence = maxDate(minDate(ymd(year - held, 1 + d.pick('dl.m', 12), 1 + d.pick('dl.d', 28)), t), addYears(p.birthDate, 18));
      const since = yearsBetween(firstLicence, t);
      const [issued, until] = since < 6 ? [firstLicence, addYears(firstLicence, 6)] : since < 16 ? [addYears(firstLicence, 6), addYears(firstLicence, 16)] : [addYears(firstLicence, 16), null];
      const drivingClass = d.from('dl.class', ['C1', 'C1', 'C1', 'C1', 'C1', 'C1', 'C1', 'C2', 'C2', 'B2', 'A2', 'A1', 'C1D']);
      add('driving_licence', { number: idNumber, issuer: trafficIssuer, issuerRegion: residenceCity.code, issueDate: issued, validFrom: issued, validUntil: until }, {
        gender: p.gender,
        idNumber,
        licenceNumber: idNumber,
        drivingClass,
        points: String(d.pick('dl.points', 9)),
      });
    }

    // 机动车行驶证: some drivers own a car. Valid until the next inspection (6 years, 10, then yearly).
    if (firstLicence && d.chance('car', 55)) {
      const registered = minDate(maxDate(issuedWithin('car.reg', 12, firstLicence), firstLicence), t);
      let until = addYears(registered, 6);
      for (let n = 10; until <= t; n++) until = addYears(registered, n);
      const newEnergy = d.chance('car.nev', 25);
      const letters = 'ABCDEFGHJKLMNPQRSTUVWXYZ';
      const plate = newEnergy
        ? `${residenceCity.plate}${d.from('car.nevl', ['D', 'F'])}${d.digits('car.plate', 5)}`
        : `${residenceCity.plate}${letters[d.pick('car.l1', letters.length)]}${d.digits('car.plate', 2)}${letters[d.pick('car.l2', letters.length)]}${d.digits('car.plate2', 2)}`;
      add('vehicle_licence', { number: `${residenceCity.code}${d.digits('car.file', 6)}`, issuer: trafficIssuer, issuerRegion: residenceCity.code, issueDate: registered, validFrom: registered, validUntil: until }, {
        plateNumber: plate,
        vehicleType: d.from('car.type', ['小型轿车', '小型轿车', '小型轿车', '小型普通客车', '小型普通客车', '小型越野客车', '轻型普通货车']),
        vin: vinFor(d, registered),
      });
    }

    // Exit-entry documents: 5 years under 16 at issue, else 10.
    const travel = (type: 'passport' | 'hk_macao_permit' | 'taiwan_permit', percent: number, number: string) => {
      if (p.nonMainland || !d.chance(type, percent)) return;
      const [issued, until] = currentIssue(type, 9, p.birthDate, (at) => (ageAt(at) < 16 ? 5 : 10));
      add(type, { number, issuer: exitEntryIssuer, issuerRegion: residenceCity.code, issueDate: issued, validFrom: issued, validUntil: until }, {
        gender: p.gender,
        birthDate: p.birthDate,
        nationality: '中国',
        licenceNumber: number,
        issuer: '国家移民管理局',
      });
    };
    const letter = (tag: string) => 'ABCDEFGHJKLMNPQRSTUVWXYZ'[d.pick(tag, 24)];
    travel('passport', 30, `E${letter('pp.l')}${d.digits('pp.no', 7)}`);
    travel('hk_macao_permit', 35, `C${letter('hk.l')}${d.digits('hk.no', 7)}`);
    travel('taiwan_permit', 8, `L${d.digits('tw.no', 8)}`);

    // 电动自行车行驶证: some residents over 16.
    if (age >= 16 && d.chance('ebike', 25)) {
      const registered = issuedWithin('ebike', 5, addYears(p.birthDate, 16));
      const plate = `${residenceCity.short}${letter('eb.l')}${d.digits('eb.no', 5)}`;
      add('ebike_licence', { number: plate, issuer: trafficIssuer, issuerRegion: residenceCity.code, issueDate: registered, validFrom: registered, validUntil: null }, {
        plateNumber: plate,
        vehicleType: '电动自行车',
      });
    }
    return out;
  }

  /** What the library answers: a licence past its end date reads expired. */
  function view(l: LibraryLicence): LibraryLicence {
    const copy: LibraryLicence = { ...l, fields: { ...l.fields } };
    if (copy.status === 'valid' && copy.validUntil !== null && copy.validUntil < today()) {
      copy.status = 'expired';
      copy.statusNote = DEFAULT_NOTES.expired;
    }
    return copy;
  }

  function records(idNumber: string): LibraryLicence[] {
    return changed.get(idNumber) ?? generate(idNumber);
  }

  function holderOf(licenceId: string): string | undefined {
    const parsed = parseLicenceId(licenceId);
    return parsed ? holderOfSerial(parsed.serial, todayDate()) : undefined;
  }

  /** The stored (mutable) record of a licence, materialising its holder's list. */
  function editable(licenceId: string): { holder: string; list: LibraryLicence[]; licence: LibraryLicence } | undefined {
    const holder = holderOf(licenceId);
    if (!holder) return undefined;
    let list = changed.get(holder);
    if (!list) {
      list = generate(holder);
      if (!list.some((l) => l.licenceId === licenceId)) return undefined;
      if (changed.size >= maxHolders) {
        const oldest = changed.keys().next().value;
        if (oldest !== undefined) changed.delete(oldest);
      }
      changed.set(holder, list);
    }
    const licence = list.find((l) => l.licenceId === licenceId);
    return licence ? { holder, list, licence } : undefined;
  }

  function emit(holder: string, l: LibraryLicence): LicenceLibraryEvent {
    const event: LicenceLibraryEvent = { eventId: `llb-${randomToken(12)}`, licenceId: l.licenceId, status: l.status, statusNote: l.statusNote, replacedBy: l.replacedBy, at: isoNow() };
    let q = queues.get(holder);
    if (!q) queues.set(holder, (q = { outbox: [], delivering: false }));
    q.outbox.push(event);
    deliverNext(holder);
    return { ...event };
  }

  // ---- callback delivery: one holder's events in order, each retried with backoff, then given up

  function deliverNext(holder: string) {
    const q = queues.get(holder);
    if (!q || q.delivering || timers.stopped) return;
    if (q.outbox.length === 0) {
      queues.delete(holder);
      return;
    }
    q.delivering = true;
    void attempt(holder, q.outbox[0], 1);
  }

  function log(entry: LicenceLibraryDeliveryAttempt) {
    attemptsLog.push(entry);
    if (attemptsLog.length > 1000) attemptsLog.splice(0, attemptsLog.length - 1000);
  }

  const post = (event: LicenceLibraryEvent) => postSignedEvent(options.callbackUrl(), event, options.credentials.callback, aborter.signal, callbackTimeout);

  async function attempt(holder: string, event: LicenceLibraryEvent, n: number): Promise<void> {
    const outcome = await post(event);
    if (timers.stopped) return;
    const ok = typeof outcome === 'number' && outcome >= 200 && outcome < 300;
    const gaveUp = !ok && n >= attempts;
    log({ licenceId: event.licenceId, eventId: event.eventId, status: event.status, attempt: n, outcome, ok, gaveUp });
    if (ok || gaveUp) {
      const q = queues.get(holder);
      if (q) {
        q.outbox.shift();
        q.delivering = false;
      }
      deliverNext(holder);
      return;
    }
    timers.schedule(Math.min(baseBackoff * 2 ** (n - 1), maxBackoff), () => void attempt(holder, event, n + 1));
  }

  // ---- hooks

  const hooks: LicenceLibrarySimulator = {
    licencesOf(idNumber) {
      const id = String(idNumber ?? '').trim().toUpperCase();
      if (!isValidIdNumber(id, todayDate())) return [];
      return records(id).map(view);
    },
    licence(licenceId) {
      const holder = holderOf(licenceId);
      if (!holder) return undefined;
      const found = records(holder).find((l) => l.licenceId === licenceId);
      return found ? view(found) : undefined;
    },
    revoke(licenceId, note) {
      const e = editable(licenceId);
      if (!e || e.licence.status === 'revoked') return undefined;
      e.licence.status = 'revoked';
      e.licence.statusNote = note?.trim() || DEFAULT_NOTES.revoked;
      return emit(e.holder, e.licence);
    },
    setAbnormal(licenceId, note) {
      const e = editable(licenceId);
      if (!e || e.licence.status === 'revoked' || !note?.trim()) return undefined;
      e.licence.status = 'abnormal';
      e.licence.statusNote = note.trim();
      const points = /记分[^\d]*(\d{1,2})\s*分/.exec(note);
      if (e.licence.type === 'driving_licence' && points) e.licence.fields.points = points[1];
      return emit(e.holder, e.licence);
    },
    reissue(licenceId) {
      const e = editable(licenceId);
      if (!e || e.licence.status === 'revoked' || e.licence.version >= 999) return undefined;
      const old = e.licence;
      const t = today();
      const years = old.validUntil === null ? null : Math.max(1, yearsBetween(old.validFrom, old.validUntil));
      const validUntil = years === null ? null : addYears(t, years);
      const parsed = parseLicenceId(old.licenceId)!;
      const version = old.version + 1;
      const next: LibraryLicence = {
        ...old,
        licenceId: makeLicenceId({ typeCode: old.typeCode, issuerCode: old.issuerCode, serial: parsed.serial, version }),
        version,
        issueDate: t,
        validFrom: t,
        validUntil,
        status: 'valid',
        statusNote: null,
        replacedBy: null,
        fields: { ...old.fields },
      };
      if ('validFrom' in next.fields) next.fields.validFrom = t;
      if ('validUntil' in next.fields) next.fields.validUntil = validUntil ?? '长期';
      if (next.type === 'driving_licence' && old.status === 'abnormal') next.fields.points = '0';
      old.status = 'revoked';
      old.statusNote = DEFAULT_NOTES.reissued;
      old.replacedBy = next.licenceId;
      e.list.splice(e.list.indexOf(old) + 1, 0, next);
      return { licence: view(next), event: emit(e.holder, old) };
    },
    expire(licenceId) {
      const e = editable(licenceId);
      if (!e || e.licence.status === 'revoked' || view(e.licence).status === 'expired') return undefined;
      const yesterday = addDays(today(), -1);
      e.licence.status = 'expired';
      e.licence.statusNote = DEFAULT_NOTES.expired;
      e.licence.validUntil = yesterday;
      if ('validUntil' in e.licence.fields) e.licence.fields.validUntil = yesterday;
      return emit(e.holder, e.licence);
    },
    restore(licenceId) {
      const e = editable(licenceId);
      if (!e || e.licence.status !== 'abnormal') return undefined;
      e.licence.status = 'valid';
      e.licence.statusNote = null;
      if (e.licence.type === 'driving_licence') e.licence.fields.points = '0';
      return emit(e.holder, e.licence);
    },
    registerHolder(idNumber, name) {
      const id = String(idNumber ?? '').trim().toUpperCase();
      const n = String(name ?? '').trim();
      if (!isValidIdNumber(id, todayDate()) || !PersonNameSchema.safeParse(n).success) return false;
      const before = person(id).name;
      registeredNames.set(id, n);
      for (const l of changed.get(id) ?? []) {
        l.holder = n;
        if (l.fields.name === before) l.fields.name = n;
        if (l.fields.householdHead === before) l.fields.householdHead = n;
      }
      return true;
    },
    pendingTimers: () => timers.size,
    deliveries: () => attemptsLog.map((a) => ({ ...a })),
    stop() {
      timers.stop();
      aborter.abort();
    },
  };

  // ---- the signed API

  const base = '/licence-library/v1/licences';

  sim.router.post(
    `${base}/query`,
    guarded(sim, 'licence_library', async (ctx) => {
      const body = await gateway.accept(ctx);
      if (!body) return;
      const { holderCode, holderCodeType } = body;
      if (typeof holderCode !== 'string' || !holderCode) return refuse(ctx, 400, 'INVALID_ARGUMENT', 'holderCode is required');
      if (holderCodeType !== undefined && holderCodeType !== HOLDER_CODE_TYPE) return refuse(ctx, 400, 'INVALID_ARGUMENT', `holderCodeType must be ${HOLDER_CODE_TYPE}`);
      if (!isValidIdNumber(holderCode.trim().toUpperCase(), todayDate())) return refuse(ctx, 400, 'INVALID_ID_NUMBER', 'holderCode is not a valid resident ID number');
      ctx.set('Cache-Control', 'no-store');
      ctx.body = { licences: hooks.licencesOf(holderCode) };
    }),
  );

  sim.router.get(
    `${base}/:licenceId`,
    guarded(sim, 'licence_library', async (ctx) => {
      const body = await gateway.accept(ctx);
      if (!body) return;
      const licenceId = String(ctx.params.licenceId);
      if (!isValidLicenceId(licenceId)) return refuse(ctx, 400, 'INVALID_LICENCE_ID', 'not a valid GB/T 36904 licence identifier');
      const licence = hooks.licence(licenceId);
      if (!licence) return refuse(ctx, 404, 'LICENCE_NOT_FOUND', 'no such licence');
      ctx.set('Cache-Control', 'no-store');
      ctx.body = { licence };
    }),
  );

  // ---- dev routes (this router is never mounted in production)

  const dev = '/licence-library/dev';
  async function json(ctx: Context): Promise<Record<string, unknown> | undefined> {
    const raw = await readRawBody(ctx, 64 * 1024);
    const body = raw.length === 0 ? {} : parseJsonObject(raw);
    if (!body) refuse(ctx, 400, 'INVALID_JSON', 'body must be a JSON object');
    ctx.set('Cache-Control', 'no-store');
    return body;
  }

  sim.router.get(`${dev}/holders/:idNumber/licences`, (ctx) => {
    const id = String(ctx.params.idNumber).toUpperCase();
    if (!isValidIdNumber(id, todayDate())) return refuse(ctx, 400, 'INVALID_ID_NUMBER', 'not a valid resident ID number');
    ctx.set('Cache-Control', 'no-store');
    ctx.body = { licences: hooks.licencesOf(id) };
  });

  sim.router.post(`${dev}/holders/:idNumber/name`, async (ctx) => {
    const body = await json(ctx);
    if (!body) return;
    if (!hooks.registerHolder(String(ctx.params.idNumber), typeof body.name === 'string' ? body.name : '')) {
      return refuse(ctx, 400, 'INVALID_ARGUMENT', 'a valid resident ID number and a 2–30 character name are required');
    }
    ctx.body = { ok: true };
  });

  const change = (action: 'revoke' | 'abnormal' | 'expire' | 'restore', run: (licenceId: string, note?: string) => LicenceLibraryEvent | undefined) =>
    sim.router.post(`${dev}/licences/:licenceId/${action}`, async (ctx) => {
      const body = await json(ctx);
      if (!body) return;
      const licenceId = String(ctx.params.licenceId);
      if (body.note !== undefined && typeof body.note !== 'string') return refuse(ctx, 400, 'INVALID_ARGUMENT', 'note must be a string');
      if (action === 'abnormal' && !(typeof body.note === 'string' && body.note.trim())) return refuse(ctx, 400, 'INVALID_ARGUMENT', 'note is required (e.g. 累积记分已满12分)');
      if (!hooks.licence(licenceId)) return refuse(ctx, 404, 'LICENCE_NOT_FOUND', 'no such licence');
      const event = run(licenceId, body.note as string | undefined);
      if (!event) return refuse(ctx, 409, 'LICENCE_STATE', `cannot ${action} a licence in its current status`);
      ctx.body = { event };
    });
  change('revoke', (id, note) => hooks.revoke(id, note));
  change('abnormal', (id, note) => hooks.setAbnormal(id, note ?? ''));
  change('expire', (id) => hooks.expire(id));
  change('restore', (id) => hooks.restore(id));

  sim.router.post(`${dev}/licences/:licenceId/reissue`, async (ctx) => {
    const body = await json(ctx);
    if (!body) return;
    const licenceId = String(ctx.params.licenceId);
    if (!hooks.licence(licenceId)) return refuse(ctx, 404, 'LICENCE_NOT_FOUND', 'no such licence');
    const result = hooks.reissue(licenceId);
    if (!result) return refuse(ctx, 409, 'LICENCE_STATE', 'cannot reissue a revoked licence');
    ctx.body = result;
  });

  sim.router.get(`${dev}/deliveries`, (ctx) => {
    ctx.set('Cache-Control', 'no-store');
    ctx.body = { deliveries: hooks.deliveries() };
  });

  return hooks;
}

// ---- vehicle identification numbers (GB 16735 / ISO 3779, with the check digit in position 9)

const VIN_VALUES: Record<string, number> = {
  A: 1, B: 2, C: 3, D: 4, E: 5, F: 6, G: 7, H: 8, J: 1, K: 2, L: 3, M: 4, N: 5, P: 7, R: 9, S: 2, T: 3, U: 4, V: 5, W: 6, X: 7, Y: 8, Z: 9,
};
const VIN_WEIGHTS = [8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2];
const VIN_YEARS = 'ABCDEFGHJKLMNPRSTVWXY123456789'; // 2010 = A … 2030 = Y, then 2031 = 1 …

export function vinCheckDigit(vin: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) {
    const c = vin[i];
    sum += (/\d/.test(c) ? Number(c) : VIN_VALUES[c]) * VIN_WEIGHTS[i];
  }
  const r = sum % 11;
  return r === 10 ? 'X' : String(r);
}

function vinFor(d: ReturnType<typeof draws>, registered: string): string {
  const chars = 'ABCDEFGHJKLMNPRSTUVWXYZ0123456789';
  const wmi = d.from('vin.wmi', ['LSV', 'LFV', 'LGB', 'LVS', 'LBV', 'LRW', 'LGX', 'LVH', 'LSG']);
  let vds = '';
  for (let i = 0; i < 5; i++) vds += chars[d.pick(`vin.vds${i}`, chars.length)];
  const modelYear = VIN_YEARS[(((Number(registered.slice(0, 4)) - 2010) % 30) + 30) % 30];
  const plant = chars[d.pick('vin.plant', chars.length)];
  const body = `${wmi}${vds}0${modelYear}${plant}${d.digits('vin.serial', 6)}`;
  return `${body.slice(0, 8)}${vinCheckDigit(body)}${body.slice(9)}`;
}
