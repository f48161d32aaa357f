import Taro from '@tarojs/taro';
import { STORAGE_KEYS } from '../utils/storage';
import { taroStore } from '../utils/taroStore';
import { createApplicationsApi, createNotificationsApi } from './applications';
import { createAuthedRequest } from './auth';
import { createCatalogApi } from './catalog';
import { createDeliveryApi } from './delivery';
import { createRequest, type Transport } from './client';
import { EtagCache } from './etag';
import { createIdentityApi, refreshWith } from './identity';
import { createLicencesApi } from './licences';
import { createPaymentsApi } from './payments';
import { SessionManager } from './session';
import { createUploadsApi, uploadTransport, type UploadFn } from './uploads';

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
export const applications = createApplicationsApi(authedRequest);
export const notifications = createNotificationsApi(authedRequest);
export const payments = createPaymentsApi(authedRequest);
export const delivery = createDeliveryApi(authedRequest);
export const licences = createLicencesApi(authedRequest);

/**
 * Multipart uploads through the platform's uploadFile (a blob URL on H5, a temp path in the
 * mini-programs), on the same request helper: same Authorization header, refresh and ApiError.
 */
const taroUpload: UploadFn = async ({ url, filePath, name, fileName, header, timeout, onProgress }) => {
  const option: Taro.uploadFile.Option & { fileType?: string } = { url, filePath, name, header, timeout };
  // the multipart file name is H5's only (on Alipay `fileName` is the field name)
  if (fileName && process.env.TARO_ENV === 'h5') option.fileName = fileName;
  // Alipay's my.uploadFile requires the kind of file; the mini-programs upload images only
  if (process.env.TARO_ENV === 'alipay') option.fileType = 'image';
  const task = Taro.uploadFile(option);
  if (onProgress && typeof task.progress === 'function') task.progress((p) => onProgress(p.progress));
  const res = await task;
  return { statusCode: res.statusCode, data: res.data, header: res.header as Record<string, unknown> | undefined };
};
export const uploads = createUploadsApi(createAuthedRequest(createRequest({ base: API_BASE, transport: uploadTransport(taroUpload) }), session));

export type { ApplicationListParams, ApplicationListStatus, ApplicationsApi, NotificationsApi } from './applications';
export type { PaymentOutcome, PaymentsApi } from './payments';
export type { DeliveryApi } from './delivery';
export type { CreateGrantBody, LicenceUsageParams, LicencesApi } from './licences';
export type { CatalogApi, ItemListParams, SearchParams } from './catalog';
export type { UploadFileInput, UploadsApi } from './uploads';
export type { RequestFn, RequestOptions } from './client';
export type { IdentityApi } from './identity';
export type { Session } from './session';
export type { SmsSendResponse } from './types';
export { ApiError, NetworkError, describeError, fieldErrors, isApiError, isNetworkError } from './errors';
