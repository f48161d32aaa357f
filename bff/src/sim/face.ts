/**
 * H5 face verification simulator (a hosted verification page, as vendors offer):
 *
 *   POST <prefix>/face/v1/face/certify            signed; {name, idNumber, returnUrl} → {certifyId, url}
 *   GET  <prefix>/face/v1/face/certify/:certifyId signed; → {status: pending | passed | failed}
 *   GET  <prefix>/face/page?certifyId=…           the page the citizen opens (模拟人脸核验)
 *   POST <prefix>/face/page/complete              its buttons: sets passed/failed, then 303 to
 *                                                 returnUrl with certifyId appended
 *
 * A certification left pending for 30 minutes fails, as vendors' sessions do.
 */
import type { Context } from 'koa';
import { isValidIdNumber, PersonNameSchema } from '@onevisit/shared-types';
import { guarded, type SimContext } from './context';
import { refuse, signedGatewayServer } from './signed';
import { escapeHtml, ExpiringMap, maskName, parseForm, randomToken, readRawBody, simPage, withQueryParam } from './util';

const PENDING_LIMIT_MS = 30 * 60_000;
const KEEP_MS = 24 * 3600_000;

export type FaceStatus = 'pending' | 'passed' | 'failed';

interface Certification {
  name: string;
  idNumber: string;
  returnUrl: string;
  status: FaceStatus;
  createdAt: number;
}

export interface FaceSimulator {
  /** Completes a pending certification as if the citizen pressed a button; false when not pending. */
  complete(certifyId: string, pass: boolean): boolean;
  status(certifyId: string): FaceStatus | undefined;
}

export function faceSimulator(sim: SimContext, credentials: { appKey: string; appSecret: string }): FaceSimulator {
  const gateway = signedGatewayServer(credentials, sim.now);
  const certifications = new ExpiringMap<Certification>(sim.now);

  function current(certifyId: string): Certification | undefined {
    const c = certifications.get(certifyId);
    if (c && c.status === 'pending' && sim.now() - c.createdAt > PENDING_LIMIT_MS) c.status = 'failed';
    return c;
  }

  function complete(certifyId: string, pass: boolean): boolean {
    const c = current(certifyId);
    if (!c || c.status !== 'pending') return false;
    c.status = pass ? 'passed' : 'failed';
    return true;
  }

  sim.router.post(
    '/face/v1/face/certify',
    guarded(sim, 'face', async (ctx) => {
      const body = await gateway.accept(ctx);
      if (!body) return;
      const { name, idNumber, returnUrl } = body;
      if (typeof name !== 'string' || !PersonNameSchema.safeParse(name).success) return refuse(ctx, 400, 'INVALID_NAME', 'name: 2–30 Chinese characters');
      if (typeof idNumber !== 'string' || !isValidIdNumber(idNumber, new Date(sim.now()))) {
        return refuse(ctx, 400, 'INVALID_ID_NUMBER', 'idNumber is not a valid resident ID number');
      }
      if (typeof returnUrl !== 'string' || !/^https?:\/\/[^/]/.test(returnUrl) || returnUrl.length > 1000) {
        return refuse(ctx, 400, 'INVALID_RETURN_URL', 'returnUrl must be an absolute http(s) URL');
      }
      const certifyId = `fc${randomToken(15)}`;
      certifications.set(certifyId, { name, idNumber: idNumber.toUpperCase(), returnUrl, status: 'pending', createdAt: sim.now() }, KEEP_MS);
      ctx.body = { certifyId, url: `${sim.publicBase(ctx)}${sim.prefix}/face/page?certifyId=${certifyId}` };
    }),
  );

  sim.router.get(
    '/face/v1/face/certify/:certifyId',
    guarded(sim, 'face', async (ctx) => {
      const body = await gateway.accept(ctx);
      if (!body) return;
      const c = current(ctx.params.certifyId);
      if (!c) return refuse(ctx, 404, 'CERTIFY_NOT_FOUND', 'no such certification');
      ctx.body = { status: c.status };
    }),
  );

  function page(ctx: Context, status: number, title: string, inner: string) {
    ctx.status = status;
    ctx.type = 'html';
    ctx.set('Cache-Control', 'no-store');
    ctx.body = simPage(title, inner);
  }

  sim.router.get('/face/page', (ctx) => {
    const certifyId = String(ctx.query.certifyId ?? '');
    const c = current(certifyId);
    if (!c) return page(ctx, 404, '模拟人脸核验', '<h1>模拟人脸核验</h1><p id="sim-face-error">核验请求不存在或已过期。</p>');
    if (c.status !== 'pending') {
      return page(ctx, 409, '模拟人脸核验', `<h1>模拟人脸核验</h1><p id="sim-face-error">本次核验已结束（${c.status === 'passed' ? '已通过' : '未通过'}）。</p>`);
    }
    const action = `${sim.prefix}/face/page/complete`;
    const id = escapeHtml(certifyId);
    page(
      ctx,
      200,
      '模拟人脸核验',
      `<span class="badge">模拟环境 · 不采集人脸</span>
<h1>模拟人脸核验</h1>
<p>核验对象：<strong id="sim-face-name">${escapeHtml(maskName(c.name))}</strong></p>
<div class="face" aria-hidden="true"></div>
<p>请正对屏幕，保持光线充足</p>
<form method="post" action="${action}"><input type="hidden" name="certifyId" value="${id}"><input type="hidden" name="result" value="pass">
<button id="sim-face-pass" class="pass" type="submit">开始刷脸（通过）</button></form>
<form method="post" action="${action}"><input type="hidden" name="certifyId" value="${id}"><input type="hidden" name="result" value="fail">
<button id="sim-face-fail" class="fail" type="submit">模拟失败</button></form>`,
    );
  });

  sim.router.post('/face/page/complete', async (ctx) => {
    const form = parseForm(await readRawBody(ctx, 16 * 1024));
    const certifyId = form.certifyId ?? '';
    if (form.result !== 'pass' && form.result !== 'fail') return page(ctx, 400, '模拟人脸核验', '<p id="sim-face-error">参数错误。</p>');
    const c = current(certifyId);
    if (!c) return page(ctx, 404, '模拟人脸核验', '<p id="sim-face-error">核验请求不存在或已过期。</p>');
    if (!complete(certifyId, form.result === 'pass')) {
      return page(ctx, 409, '模拟人脸核验', '<p id="sim-face-error">本次核验已结束。</p>');
    }
    ctx.status = 303;
    ctx.redirect(withQueryParam(c.returnUrl, 'certifyId', certifyId));
  });

  return { complete, status: (certifyId) => current(certifyId)?.status };
}
