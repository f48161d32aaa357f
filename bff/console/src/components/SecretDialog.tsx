import { useState } from 'react';
import type { PartnerSecretIssued } from '@onevisit/shared-types/client';
import { SECRET_ONCE_WARNING } from '../partners';
import { CopyButton } from './CopyButton';
import { Modal } from './Modal';

/**
 * A secret the server just issued, shown once: the signing secret, the webhook secret or both, each
 * with a copy button. It cannot be shown again (only its last characters are kept), so the dialog
 * closes only after the admin confirms it was saved. The caller keeps `issued` in state for as long
 * as this dialog is open and drops it in `onClose`.
 */
export function SecretDialog({ issued, title, onClose }: { issued: PartnerSecretIssued; title: string; onClose: () => void }) {
  const [saved, setSaved] = useState(false);
  const { partner, secret, webhookSecret } = issued;
  return (
    <Modal testId="secret-dialog" className="secret-dialog" title={title} onCancel={() => saved && onClose()}>
      <div className="notice notice-warn secret-warning" role="alert">
        <strong>{SECRET_ONCE_WARNING}</strong>
        <div>关闭后无法再次查看，平台只保留末 4 位用于核对；如遗失只能重新轮换。请勿通过即时通讯群、邮件正文等不安全渠道传递。</div>
      </div>
      <dl className="secret-list">
        <dt>AppID</dt>
        <dd>
          <code className="secret-value" data-testid="secret-app-id">
            {partner.appId}
          </code>
          <CopyButton text={partner.appId} what=" AppID" />
        </dd>
        <dt>签名算法</dt>
        <dd>{partner.algorithm}</dd>
        {secret && (
          <>
            <dt>调用签名密钥</dt>
            <dd>
              <code className="secret-value" data-testid="secret-value">
                {secret}
              </code>
              <CopyButton text={secret} what="调用签名密钥" testId="secret-copy" />
            </dd>
          </>
        )}
        {webhookSecret && (
          <>
            <dt>推送签名密钥</dt>
            <dd>
              <code className="secret-value" data-testid="webhook-secret-value">
                {webhookSecret}
              </code>
              <CopyButton text={webhookSecret} what="推送签名密钥" testId="webhook-secret-copy" />
            </dd>
          </>
        )}
      </dl>
      <label className="choice">
        <input type="checkbox" data-testid="secret-saved" checked={saved} onChange={(e) => setSaved(e.target.checked)} />
        我已复制并妥善保存，知晓关闭后无法再次查看
      </label>
      <div className="form-actions">
        <button type="button" className="btn btn-primary" data-testid="secret-close" disabled={!saved} onClick={onClose}>
          关闭
        </button>
      </div>
    </Modal>
  );
}
