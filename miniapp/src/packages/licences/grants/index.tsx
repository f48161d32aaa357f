import { useEffect, useState } from 'react';
import Taro, { useRouter } from '@tarojs/taro';
import { Text, View } from '@tarojs/components';
import type { LicenceGrant } from '@onevisit/shared-types/client';
import { licences } from '../../../api';
import { InlineApiError, InlineNotice } from '../../../components/Inline';
import { Button } from '../../../components/nutui';
import { Page } from '../../../components/Page';
import { Pill } from '../../../components/Pill';
import { EmptyView, LoadingView } from '../../../components/StateView';
import { useNotice } from '../../../hooks/useNotice';
import { useRequest } from '../../../hooks/useRequest';
import { useSession } from '../../../hooks/useSession';
import { licenceErrorView } from '../../../licences/errors';
import { canRevoke, GRANT_STATUS_VIEW, grantFieldsText, grantPeriodText, grantsToShow, replaceGrant } from '../../../licences/grants';
import { routeParam } from '../../../utils/format';
import { licenceRoutes } from '../../../utils/routes';
import { LicenceLoadError, LoginGate } from '../components/Gate';
import { useRefresh } from '../components/useRefresh';
import '../licences.scss';

/**
 * 授权使用: the partners the citizen let read a licence (of one licence with `licenceId`, else all),
 * active first; 撤销 ends one at once after a confirmation in place; 新增授权 opens the form.
 */
export default function LicenceGrantsPage() {
  const licenceId = routeParam(useRouter().params.licenceId) || undefined;
  const current = useSession();
  const back = licenceRoutes.grants(licenceId);
  if (!current) {
    return (
      <Page className='ov-licences'>
        <LoginGate title='登录后管理证照授权' back={back} />
      </Page>
    );
  }
  return <Grants licenceId={licenceId} userId={current.me.userId} back={back} />;
}

function Grants({ licenceId, userId, back }: { licenceId?: string; userId: string; back: string }) {
  const list = useRequest(() => licences.grants(), [userId]);
  // a revoke answers the grant as it is now: shown at once, without another request
  const [items, setItems] = useState<LicenceGrant[]>();
  useEffect(() => setItems(list.data?.grants), [list.data]);
  const { notice, show } = useNotice();
  useRefresh(list.reload, list.loading, true);

  const shown = items ? grantsToShow(items, licenceId) : [];
  let body;
  if (list.loading && !items) body = <LoadingView rows={3} blocks={2} />;
  else if (list.error && !items) body = <LicenceLoadError error={list.error} onRetry={list.reload} back={back} />;
  else if (!shown.length) {
    body = (
      <View className='licences-grants-empty'>
        <EmptyView title='暂无授权' description='授权后，所选机构可在期限内读取您选择的证照信息，您可随时撤销' />
      </View>
    );
  } else {
    body = (
      <View className='ov-licence-list'>
        {shown.map((g) => (
          <GrantItem
            key={g.grantId}
            g={g}
            all={!licenceId}
            onRevoked={(next) => {
              setItems((cur) => replaceGrant(cur ?? [], next));
              show(`已撤销对${next.partnerName}的授权`);
            }}
            onStale={list.reload}
          />
        ))}
      </View>
    );
  }

  return (
    <Page className='ov-licences'>
      <View className='ov-hero ov-licences-head'>
        <Text className='ov-hero-title'>授权使用</Text>
        <Text className='ov-hero-subtitle'>授权的机构在期限内可读取您选择的证照信息，每次读取都会记入使用记录</Text>
      </View>
      <View className='ov-licences-block'>
        <InlineNotice id='grants-notice'>{notice}</InlineNotice>
        {list.error && items ? <InlineApiError error={list.error} /> : null}
      </View>
      {body}
      <View className='ov-licences-actions'>
        {licenceId ? (
          <Button id='grant-add' className='grant-add' type='primary' size='large' block onClick={() => void Taro.navigateTo({ url: licenceRoutes.grantNew(licenceId) })}>
            新增授权
          </Button>
        ) : (
          <Text className='ov-licence-hint'>新增授权请在“电子证照”中打开要授权的证照，点击“授权”。</Text>
        )}
      </View>
    </Page>
  );
}

function GrantItem({ g, all, onRevoked, onStale }: { g: LicenceGrant; all: boolean; onRevoked: (next: LicenceGrant) => void; onStale: () => void }) {
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  const status = GRANT_STATUS_VIEW[g.status] ?? GRANT_STATUS_VIEW.expired;

  const revoke = async () => {
    if (busy) return;
    setBusy(true);
    setError(undefined);
    try {
      onRevoked(await licences.revokeGrant(g.grantId));
      setConfirming(false);
    } catch (err) {
      setError(err);
      // already ended or gone: the list is read again
      if (licenceErrorView(err).next === 'reload') onStale();
    } finally {
      setBusy(false);
    }
  };

  return (
    <View className={`ov-licence-grant grant-item grant-item--${g.status}`} data-id={g.grantId} data-status={g.status}>
      <View className='ov-licence-grant-head'>
        <Text className='ov-licence-grant-partner grant-item-partner'>{g.partnerName}</Text>
        <Pill tone={status.tone} className='grant-item-status'>
          {g.status === 'active' ? '✓ ' : ''}
          {status.name}
        </Pill>
      </View>
      {all ? <Line label='证照' value={g.licenceTypeName} /> : null}
      <Line label='用途' value={g.purpose} />
      <Line label='授权信息' value={grantFieldsText(g.fields)} />
      <Line label='期限' value={grantPeriodText(g)} />
      <Line label='已读取' value={`${g.uses} 次`} />
      {/* The partner reads with this code: the citizen gives it to the bank's counter or app. */}
      {g.status === 'active' ? <Line label='授权码' value={g.grantId} /> : null}
      {canRevoke(g) ? (
        confirming ? (
          <View className='ov-licence-confirm grant-revoke-box' role='dialog' aria-label='确认撤销授权'>
            <Text className='ov-licence-confirm-text'>撤销后，{g.partnerName}将不能再读取您的证照信息。确定撤销吗？</Text>
            <InlineApiError error={error} />
            <View className='ov-licence-confirm-actions'>
              <Button className='grant-revoke-confirm' type='danger' size='large' loading={busy} disabled={busy} onClick={revoke}>
                确定撤销
              </Button>
              <Button className='grant-revoke-cancel' type='default' size='large' disabled={busy} onClick={() => setConfirming(false)}>
                取消
              </Button>
            </View>
          </View>
        ) : (
          <View className='ov-licence-grant-actions'>
            <View className='ov-licence-grant-action grant-revoke' role='button' onClick={() => setConfirming(true)}>
              <Text>撤销授权</Text>
            </View>
          </View>
        )
      ) : null}
    </View>
  );
}

function Line({ label, value }: { label: string; value: string }) {
  return (
    <View className='ov-licence-usage-line'>
      <Text className='ov-licence-usage-label'>{label}</Text>
      <Text className='ov-licence-usage-value'>{value}</Text>
    </View>
  );
}
