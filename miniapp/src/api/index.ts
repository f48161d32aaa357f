import Taro from '@tarojs/taro';
import { createCatalogApi } from './catalog';
import { createRequest, type Transport } from './client';
import { EtagCache } from './etag';

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

export const catalog = createCatalogApi(request);

export type { CatalogApi, ItemListParams, SearchParams } from './catalog';
export type { RequestFn, RequestOptions } from './client';
export { ApiError, NetworkError, describeError, isApiError, isNetworkError } from './errors';
