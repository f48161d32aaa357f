import Taro from '@tarojs/taro';
import type { PayParams } from '@onevisit/shared-types/client';
import type { PaymentOutcome } from '../api/payments';
import { alipayOutcome, h5CashierUrl, h5ResultUrl, wechatOutcome } from './payView';

/** The pay parameters do not fit this platform (a BFF and build out of step): nothing was charged. */
export class PayParamsMismatch extends Error {
  constructor(kind: string) {
    super(`本平台无法使用该支付方式（${kind}）`);
    Object.setPrototypeOf(this, PayParamsMismatch.prototype);
  }
}

/**
 * Opens the platform's payment sheet with what the BFF handed out and says how it closed. H5
 * leaves the page for WeChat Pay's cashier (which returns to the result page): `left`.
 * `process.env.TARO_ENV` is replaced at build time, so each platform keeps only its own branch.
 */
export async function launchPayment(pay: PayParams, orderNo: string): Promise<PaymentOutcome | 'left'> {
  if (process.env.TARO_ENV === 'weapp') {
    if (pay.kind !== 'wechat_jsapi') throw new PayParamsMismatch(pay.kind);
    const { timeStamp, nonceStr, package: pkg, signType, paySign } = pay.params;
    try {
      await Taro.requestPayment({ timeStamp, nonceStr, package: pkg, signType, paySign });
      return wechatOutcome({ ok: true });
    } catch (err) {
      const errMsg = (err as { errMsg?: unknown } | undefined)?.errMsg;
      return wechatOutcome({ ok: false, errMsg: typeof errMsg === 'string' ? errMsg : undefined });
    }
  } else if (process.env.TARO_ENV === 'alipay') {
    if (pay.kind !== 'alipay_trade') throw new PayParamsMismatch(pay.kind);
    return new Promise<PaymentOutcome>((resolve) => {
      my.tradePay({
        tradeNO: pay.tradeNo,
        success: (res) => resolve(alipayOutcome(res?.resultCode)),
        // the sheet may or may not have taken money: the result page asks Alipay
        fail: () => resolve('unknown'),
      });
    });
  } else {
    if (pay.kind !== 'wechat_h5') throw new PayParamsMismatch(pay.kind);
    window.location.assign(h5CashierUrl(pay.h5Url, h5ResultUrl(window.location, orderNo)));
    return 'left';
  }
}
