/**
 * Reading Alipay's trade bill (对账单), as `alipay.data.dataservice.bill.downloadurl.query` hands
 * it out: a short-lived URL (30 s) of a zip holding two GBK-encoded CSV files,
 *
 *   <pid>_<date>_业务明细.csv         one row per payment (业务类型 交易) and per refund (退款)
 *   <pid>_<date>_业务明细(汇总).csv   the day's totals
 *
 * Each CSV opens with `#` comment lines (账号, 起始/终止日期, a separator), then the header row and
 * the rows, then closing `#` lines (合计, 导出时间). Alipay pads fields with tabs and spaces (so
 * spreadsheets keep long numbers as text): every field is trimmed. Amounts are yuan strings, a
 * refund's 商家实收 negative; times are Beijing time.
 *
 * The zip is read here without a library: stored or deflated entries, CRC-32 checked, names in
 * GBK unless the UTF-8 flag is set; zip64, encryption and anything over the size limits refused.
 */
import { crc32, inflateRawSync } from 'node:zlib';
import { AdapterError } from '../errors';
import { beijingToIso, yuanToFen } from './amount';

export interface AlipayBillRow {
  /** 支付宝交易号 */
  tradeNo: string;
  /** 商户订单号 */
  outTradeNo: string;
  /** 业务类型: 交易 (a payment) or 退款 (a refund); other types are passed through. */
  type: string;
  subject: string;
  /** ISO 8601 UTC, when given. */
  createdAt?: string;
  finishedAt?: string;
  /** 订单金额 in fen. */
  orderFen: number;
  /** 商家实收 in fen: negative for a refund. */
  receivedFen: number;
  /** 退款批次号/请求号: the refund's out_request_no. */
  refundRequestNo?: string;
  /** 服务费 in fen (the fee Alipay keeps), when given. */
  serviceFeeFen?: number;
  remark?: string;
}

export interface AlipayBill {
  /** The merchant's Alipay account (2088…) from the `#账号` line, when present. */
  account?: string;
  /** The file the rows came from. */
  detailFile: string;
  rows: AlipayBillRow[];
  /** Every file in the zip. */
  files: string[];
}

const MAX_ENTRIES = 16;
const MAX_FILE_BYTES = 64 * 1024 * 1024;

function bad(message: string): AdapterError {
  return new AdapterError('alipay', 'unavailable', 'bad_bill', `bill: ${message}`);
}

export interface ZipEntry {
  name: string;
  data: Buffer;
}

/** The entries of a zip archive (stored or deflated). Throws AdapterError 'bad_bill' on anything else. */
export function readZip(zip: Buffer): ZipEntry[] {
  const EOCD = 0x06054b50;
  let eocd = -1;
  for (let i = zip.length - 22; i >= Math.max(0, zip.length - 22 - 0xffff); i--) {
    if (zip.readUInt32LE(i) === EOCD) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw bad('not a zip file');
  const count = zip.readUInt16LE(eocd + 10);
  const cdSize = zip.readUInt32LE(eocd + 12);
  const cdOffset = zip.readUInt32LE(eocd + 16);
  if (count === 0xffff || cdOffset === 0xffffffff) throw bad('zip64 is not supported');
  if (count > MAX_ENTRIES) throw bad(`too many entries (${count})`);
  if (cdOffset + cdSize > eocd) throw bad('central directory out of bounds');
  const entries: ZipEntry[] = [];
  let p = cdOffset;
  for (let n = 0; n < count; n++) {
    if (p + 46 > zip.length || zip.readUInt32LE(p) !== 0x02014b50) throw bad('broken central directory');
    const flags = zip.readUInt16LE(p + 8);
    const method = zip.readUInt16LE(p + 10);
    const crc = zip.readUInt32LE(p + 16);
    const compressed = zip.readUInt32LE(p + 20);
    const size = zip.readUInt32LE(p + 24);
    const nameLen = zip.readUInt16LE(p + 28);
    const extraLen = zip.readUInt16LE(p + 30);
    const commentLen = zip.readUInt16LE(p + 32);
    const local = zip.readUInt32LE(p + 42);
    const rawName = zip.subarray(p + 46, p + 46 + nameLen);
    const name = new TextDecoder(flags & 0x800 ? 'utf-8' : 'gbk').decode(rawName);
    p += 46 + nameLen + extraLen + commentLen;
    if (flags & 0x1) throw bad(`${name}: encrypted entries are not supported`);
    if (size > MAX_FILE_BYTES) throw bad(`${name}: larger than ${MAX_FILE_BYTES} bytes`);
    if (local + 30 > zip.length || zip.readUInt32LE(local) !== 0x04034b50) throw bad(`${name}: broken local header`);
    const start = local + 30 + zip.readUInt16LE(local + 26) + zip.readUInt16LE(local + 28);
    if (start + compressed > zip.length) throw bad(`${name}: data out of bounds`);
    const raw = zip.subarray(start, start + compressed);
    let data: Buffer;
    if (method === 0) data = Buffer.from(raw);
    else if (method === 8) {
      try {
        data = inflateRawSync(raw, { maxOutputLength: MAX_FILE_BYTES });
      } catch {
        throw bad(`${name}: cannot be inflated`);
      }
    } else throw bad(`${name}: compression method ${method} is not supported`);
    if (data.length !== size || crc32(data) !== crc) throw bad(`${name}: CRC or size mismatch`);
    if (!name.endsWith('/')) entries.push({ name, data });
  }
  return entries;
}

const COLUMNS: Record<string, keyof AlipayBillRow> = {
  支付宝交易号: 'tradeNo',
  商户订单号: 'outTradeNo',
  业务类型: 'type',
  商品名称: 'subject',
  创建时间: 'createdAt',
  完成时间: 'finishedAt',
  '订单金额（元）': 'orderFen',
  '商家实收（元）': 'receivedFen',
  '退款批次号/请求号': 'refundRequestNo',
  '服务费（元）': 'serviceFeeFen',
  备注: 'remark',
};
const REQUIRED: (keyof AlipayBillRow)[] = ['tradeNo', 'outTradeNo', 'type', 'orderFen', 'receivedFen'];

/** Reads the detail CSV (already decoded text) into rows. */
export function parseBillCsv(text: string, file = 'bill.csv'): { account?: string; rows: AlipayBillRow[] } {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  const account = /^#账号：\[(\d+)\]/.exec(lines.find((l) => l.startsWith('#账号')) ?? '')?.[1];
  const headerAt = lines.findIndex((l) => !l.startsWith('#') && l.includes('支付宝交易号'));
  if (headerAt < 0) throw bad(`${file}: no header row`);
  const header = lines[headerAt].split(',').map((h) => h.trim());
  const index = new Map<keyof AlipayBillRow, number>();
  header.forEach((h, i) => {
    const key = COLUMNS[h];
    if (key && !index.has(key)) index.set(key, i);
  });
  const missing = REQUIRED.filter((k) => !index.has(k));
  if (missing.length) throw bad(`${file}: missing columns ${missing.join(', ')}`);
  const rows: AlipayBillRow[] = [];
  for (let i = headerAt + 1; i < lines.length; i++) {
    const line = lines[i];
    if (line.startsWith('#')) break;
    if (!line.trim()) continue;
    const fields = line.split(',').map((f) => f.trim());
    if (fields.length !== header.length) throw bad(`${file} line ${i + 1}: ${fields.length} fields, the header has ${header.length}`);
    const get = (k: keyof AlipayBillRow) => (index.has(k) ? fields[index.get(k)!] : '');
    const money = (k: keyof AlipayBillRow) => {
      try {
        return yuanToFen(get(k));
      } catch {
        throw bad(`${file} line ${i + 1}: ${String(k)} is not an amount`);
      }
    };
    const time = (k: keyof AlipayBillRow) => {
      const v = get(k);
      if (!v) return undefined;
      const iso = beijingToIso(v);
      if (!iso) throw bad(`${file} line ${i + 1}: ${String(k)} is not a time`);
      return iso;
    };
    const row: AlipayBillRow = {
      tradeNo: get('tradeNo'),
      outTradeNo: get('outTradeNo'),
      type: get('type'),
      subject: get('subject'),
      orderFen: money('orderFen'),
      receivedFen: money('receivedFen'),
    };
    const createdAt = time('createdAt');
    const finishedAt = time('finishedAt');
    if (createdAt) row.createdAt = createdAt;
    if (finishedAt) row.finishedAt = finishedAt;
    if (get('refundRequestNo')) row.refundRequestNo = get('refundRequestNo');
    if (get('serviceFeeFen')) row.serviceFeeFen = money('serviceFeeFen');
    if (get('remark')) row.remark = get('remark');
    if (!row.tradeNo || !row.outTradeNo || !row.type) throw bad(`${file} line ${i + 1}: a required field is empty`);
    rows.push(row);
  }
  return { ...(account ? { account } : {}), rows };
}

/** Reads a downloaded bill zip: the 业务明细 file's rows. */
export function parseBillZip(zip: Buffer): AlipayBill {
  const entries = readZip(zip);
  const detail = entries.find((e) => /业务明细\.csv$/.test(e.name) && !e.name.includes('汇总'));
  if (!detail) throw bad('no 业务明细 file in the zip');
  const text = new TextDecoder('gbk').decode(detail.data);
  return { ...parseBillCsv(text, detail.name), detailFile: detail.name, files: entries.map((e) => e.name) };
}
