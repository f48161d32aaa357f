import type { Config } from '../../config';
import { ConfigError } from '../../config';
import type { Database } from '../../db';
import type { Logger } from '../../logger';
import type { OutboxDispatcher } from '../../outbox';
import { createWechatPayClient, WECHATPAY_API_BASE, type WechatPayClientOptions } from '../../adapters/wechatpay';
import { createAlipayPayments } from '../../adapters/alipay/payments';
import type { AlipayClientOptions } from '../../adapters/alipay/client';
import type { PaymentChannel } from '@onevisit/shared-types';
import type { Simulators } from '../../sim';
import type { ApplicationService } from '../applications/service';
import type { CatalogService } from '../catalog/service';
import type { IdentityService } from '../identity/service';
import { alipayGateway } from './alipayGateway';
import type { PaymentGateway } from './gateway';
import { PaymentRepo } from './repo';
import { PaymentService } from './service';
import { wechatGateway } from './wechatGateway';

export { paymentRoutes, paymentConsoleRoutes, paymentNoticeRouter } from './routes';
export { PaymentService } from './service';

export interface PaymentsDeps {
  config: Config;
  database: Database;
  logger: Logger;
  cases: ApplicationService;
  catalog: CatalogService;
  identity: IdentityService;
  dispatcher: OutboxDispatcher;
  simulators?: Simulators;
  /** The identity capability's Alipay options (same app, keys and gateway). */
  alipay: Omit<AlipayClientOptions, 'certifyReturnUrl'>;
  selfUrl: { value: string };
}

function need<T>(value: T | undefined, name: string): T {
  if (value === undefined) throw new ConfigError(`config error: ${name} is required when WECHATPAY_BASE_URL is set`);
  return value;
}

/** WeChat Pay from config when WECHATPAY_BASE_URL is set (all its keys required), else the simulator. */
function wechatPayOptions(config: Config, simulators: Simulators | undefined, selfUrl: { value: string }): WechatPayClientOptions {
  const w = config.payments.wechat;
  if (!config.upstream.wechatPay) return simulators!.adapterOptions(() => selfUrl.value).wechatPay;
  if (!w.publicKey && !w.platformCertificates) throw new ConfigError('config error: WECHATPAY_PUBLIC_KEY (with _ID) or WECHATPAY_PLATFORM_CERTIFICATES is required');
  return {
    baseUrl: () => config.upstream.wechatPay ?? WECHATPAY_API_BASE,
    appId: need(w.appId, 'WECHATPAY_APP_ID'),
    mchId: need(w.mchId, 'WECHATPAY_MCH_ID'),
    merchantSerialNo: need(w.serialNo, 'WECHATPAY_MERCHANT_SERIAL_NO').toUpperCase(),
    merchantPrivateKey: need(w.privateKey, 'WECHATPAY_MERCHANT_PRIVATE_KEY'),
    apiV3Key: need(w.apiV3Key, 'WECHATPAY_API_V3_KEY'),
    verifier: {
      publicKey: w.publicKey ? { id: need(w.publicKeyId, 'WECHATPAY_PUBLIC_KEY_ID'), pem: w.publicKey } : undefined,
      platformCertificates: w.platformCertificates ? w.platformCertificates.split(/(?=-----BEGIN CERTIFICATE-----)/) : undefined,
    },
  };
}

/** The payments capability, wired: channels from config or the simulators, handlers on the dispatcher. */
export function createPayments(d: PaymentsDeps): PaymentService {
  const { config } = d;
  const publicBase = () => config.payments.publicBase ?? d.selfUrl.value;
  const wechatOptions = wechatPayOptions(config, d.simulators, d.selfUrl);
  const wechat = createWechatPayClient(wechatOptions);
  const ids = { mchId: wechatOptions.mchId, appId: wechatOptions.appId };
  const alipay = createAlipayPayments({ ...d.alipay, notifyUrl: () => `${publicBase()}/open/v1/payments/alipay/notify`, miniAppId: config.payments.alipay.miniAppId, sellerId: config.payments.alipay.sellerId });
  const sellerId = config.payments.alipay.sellerId ?? d.simulators?.alipay.sellerId() ?? '';
  const gateways: Partial<Record<PaymentChannel, PaymentGateway>> = {
    wechat: wechatGateway(wechat, ids, 'jsapi'),
    wechat_h5: wechatGateway(wechat, ids, 'h5'),
    alipay: alipayGateway(alipay, { sellerId, appId: d.alipay.appId }),
  };
  const service = new PaymentService(new PaymentRepo(d.database.db), d.cases, d.catalog, d.identity, gateways, {
    postageFen: config.payments.postageFen,
    expireMinutes: config.payments.expireMinutes,
    queryAfterSeconds: config.payments.queryAfterSeconds,
    publicBase,
  }, d.logger.child({ component: 'payments' }));
  service.register(d.dispatcher);
  return service;
}
