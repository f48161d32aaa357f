import Taro from '@tarojs/taro';
import { STORAGE_KEYS } from '../utils/storage';
import { taroStore } from '../utils/taroStore';
import { createAuthedRequest } from './auth';
import { createCatalogApi } from './catalog';
import { createRequest, type Transport } from './client';
import { EtagCache } from './etag';
import { createIdentityApi, refreshWith } from './identity';
import { SessionManager } from './session';

/**
 * The app's only way to the BFF. `API_BASE` comes from the build (config/index.ts): `''` on H5
 * (same origin), an absolute origin for WeChat and Alipay.
 */
const taroTransport: Transport = async ({ url, method, data, header, timeout }) => {
  const res = await Taro.request({ url, method, data, header, timeout, dataType: 'json', responseType: 'text' });
  return { statusCode: res.statusCode, data: res.data, header: res.header as Record<string, unknown> | undefined };
};

export const request = createRequest({
  base: API_BASE,
  transport: taroTransport,
  etagCache: process.env.TARO_ENV === 'h5' ? undefined : new EtagCache(),
});

/** Personal answers are never kept in the ETag cache: the citizen's calls go without it. */
const plainRequest = createRequest({ base: API_BASE, transport: taroTransport });

/** The citizen's session, persisted in Taro storage; pages follow it with `useSession()`. */
export const session = new SessionManager({ store: taroStore, key: STORAGE_KEYS.session, refresh: refreshWith(plainRequest) });
export const authedRequest = createAuthedRequest(plainRequest, session);

export const catalog = createCatalogApi(request);
export const identity = createIdentityApi({ request: plainRequest, authed: authedRequest, session });

export type { CatalogApi, ItemListParams, SearchParams } from './catalog';
export type { RequestFn, RequestOptions } from './client';
export type { IdentityApi } from './identity';
export type { Session } from './session';
export type { SmsSendResponse } from './types';
export { ApiError, NetworkError, describeError, fieldErrors, isApiError, isNetworkError } from './errors';
