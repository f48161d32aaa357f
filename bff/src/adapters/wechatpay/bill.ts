/**
 * The trade bill file (交易账单, bill_type ALL) as WeChat Pay serves it from `download_url`: UTF-8
 * CSV, a header line, one line per payment or refund in which every field starts with a backtick
 * (so spreadsheets keep numbers as text), then a summary header and a summary line. Money is in
 * yuan with two decimals; this module turns it into integer fen, refusing anything that is not
 * exactly a money amount.
 */
import type { WechatPayTradeBillRow, WechatPayTradeBillSummary } from './port';

/** Columns of a v3 ALL trade bill, in WeChat's order. */
export const TRADE_BILL_COLUMNS = [
  '交易时间',
  '公众账号ID',
  '商户号',
  '特约商户号',
  '设备号',
  '微信订单号',
  '商户订单号',
  '用户标识',
  '交易类型',
  '交易状态',
  '付款银行',
  '货币种类',
  '应结订单金额',
  '代金券金额',
  '微信退款单号',
  '商户退款单号',
  '退款金额',
  '充值券退款金额',
  '退款类型',
  '退款状态',
  '商品名称',
  '商户数据包',
  '手续费',
  '费率',
  '订单金额',
  '申请退款金额',
  '费率备注',
] as const;

export const TRADE_BILL_SUMMARY_COLUMNS = ['总交易单数', '应结订单总金额', '退款总金额', '充值券退款总金额', '手续费总金额', '订单总金额', '申请退款总金额'] as const;

export class TradeBillFormatError extends Error {
  override readonly name = 'TradeBillFormatError';
}

/** `12.30` → 1230. Refuses more than two decimals, signs other than a leading minus, and garbage. */
export function yuanToFen(text: string): number {
  const m = /^(-?)(\d{1,13})(?:\.(\d{1,2}))?$/.exec(text.trim());
  if (!m) throw new TradeBillFormatError(`not a money amount: "${text}"`);
  const fen = Number(m[2]) * 100 + Number((m[3] ?? '0').padEnd(2, '0'));
  return m[1] === '-' ? -fen : fen;
}

/** 1230 → `12.30`. */
export function fenToYuan(fen: number): string {
  if (!Number.isSafeInteger(fen)) throw new RangeError(`fen must be an integer: ${fen}`);
  const sign = fen < 0 ? '-' : '';
  const abs = Math.abs(fen);
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}

/** The fields of one data line: a leading backtick on each, separated by `,\``. */
export function splitBillLine(line: string): string[] {
  if (!line.startsWith('`')) throw new TradeBillFormatError('a data line starts with a backtick');
  return line.slice(1).split(',`');
}

/** A CSV field as a bill writes it (the backtick is added by the line). */
function cell(v: string): string {
  return v.replace(/[\r\n]+/g, ' ');
}

/** Writes a bill (the simulator; tests): header, rows, summary header, summary. */
export function formatTradeBill(rows: readonly string[][], summary: readonly string[]): string {
  const lines = [TRADE_BILL_COLUMNS.join(','), ...rows.map((r) => `\`${r.map(cell).join(',`')}`), TRADE_BILL_SUMMARY_COLUMNS.join(','), `\`${summary.map(cell).join(',`')}`];
  return `${lines.join('\r\n')}\r\n`;
}

/** Reads a trade bill file. Throws TradeBillFormatError when it is not one. */
export function parseTradeBill(text: string): { rows: WechatPayTradeBillRow[]; summary: WechatPayTradeBillSummary } {
  const lines = text
    .replace(/^\uFEFF/, '')
    .split(/\r?\n/)
    .filter((l) => l.trim() !== '');
  if (lines.length < 3) throw new TradeBillFormatError('a bill has a header, a summary header and a summary line');
  const header = lines[0].split(',').map((h) => h.trim());
  const col = (name: (typeof TRADE_BILL_COLUMNS)[number]) => {
    const i = header.indexOf(name);
    if (i < 0) throw new TradeBillFormatError(`the bill has no column ${name}`);
    return i;
  };
  const idx = Object.fromEntries(TRADE_BILL_COLUMNS.map((n) => [n, header.indexOf(n)])) as Record<(typeof TRADE_BILL_COLUMNS)[number], number>;
  for (const required of ['交易时间', '微信订单号', '商户订单号', '交易状态', '应结订单金额', '退款金额', '订单金额'] as const) col(required);

  const summaryAt = lines.findIndex((l, i) => i > 0 && l.startsWith('总交易单数'));
  if (summaryAt < 0 || summaryAt + 1 >= lines.length) throw new TradeBillFormatError('the bill has no summary');
  const rows = lines.slice(1, summaryAt).map((line, n) => {
    const f = splitBillLine(line);
    if (f.length !== header.length) throw new TradeBillFormatError(`line ${n + 2} has ${f.length} fields, the header ${header.length}`);
    const s = (name: (typeof TRADE_BILL_COLUMNS)[number]) => (idx[name] >= 0 ? f[idx[name]].trim() : '');
    const money = (name: (typeof TRADE_BILL_COLUMNS)[number]) => (idx[name] >= 0 && s(name) !== '' ? yuanToFen(s(name)) : 0);
    const row: WechatPayTradeBillRow = {
      tradeTime: s('交易时间'),
      appId: s('公众账号ID'),
      mchId: s('商户号'),
      subMchId: s('特约商户号'),
      deviceInfo: s('设备号'),
      transactionId: s('微信订单号'),
      outTradeNo: s('商户订单号'),
      openid: s('用户标识'),
      tradeType: s('交易类型'),
      tradeState: s('交易状态'),
      bankType: s('付款银行'),
      currency: s('货币种类'),
      settlementTotalFen: money('应结订单金额'),
      couponFen: money('代金券金额'),
      refundId: s('微信退款单号') === '0' ? '' : s('微信退款单号'),
      outRefundNo: s('商户退款单号') === '0' ? '' : s('商户退款单号'),
      refundFen: money('退款金额'),
      rechargeCouponRefundFen: money('充值券退款金额'),
      refundType: s('退款类型'),
      refundStatus: s('退款状态'),
      description: s('商品名称'),
      attach: s('商户数据包'),
      fee: s('手续费'),
      feeRate: s('费率'),
      orderTotalFen: money('订单金额'),
      requestedRefundFen: money('申请退款金额'),
      feeRateNote: s('费率备注'),
    };
    if (!/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/.test(row.tradeTime)) throw new TradeBillFormatError(`line ${n + 2}: bad 交易时间`);
    return row;
  });

  const sHeader = lines[summaryAt].split(',').map((h) => h.trim());
  const sValues = splitBillLine(lines[summaryAt + 1]);
  const sv = (name: (typeof TRADE_BILL_SUMMARY_COLUMNS)[number]) => {
    const i = sHeader.indexOf(name);
    if (i < 0 || i >= sValues.length) throw new TradeBillFormatError(`the summary has no ${name}`);
    return sValues[i].trim();
  };
  const count = Number(sv('总交易单数'));
  if (!Number.isSafeInteger(count) || count < 0) throw new TradeBillFormatError('bad 总交易单数');
  const summary: WechatPayTradeBillSummary = {
    count,
    settlementTotalFen: yuanToFen(sv('应结订单总金额')),
    refundTotalFen: yuanToFen(sv('退款总金额')),
    rechargeCouponRefundTotalFen: yuanToFen(sv('充值券退款总金额')),
    feeTotal: sv('手续费总金额'),
    orderTotalFen: yuanToFen(sv('订单总金额')),
    requestedRefundTotalFen: yuanToFen(sv('申请退款总金额')),
  };
  if (summary.count !== rows.length) throw new TradeBillFormatError(`the summary counts ${summary.count} lines, the bill has ${rows.length}`);
  return { rows, summary };
}
