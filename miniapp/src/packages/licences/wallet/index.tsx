import Taro from '@tarojs/taro';
import { Text, View } from '@tarojs/components';
import type { LicenceSummary } from '@onevisit/shared-types/client';
import { licences } from '../../../api';
import { shanghaiDateTime } from '../../../applications/dates';
import { InlineApiError } from '../../../components/Inline';
import { Page } from '../../../components/Page';
import { EmptyView, LoadingView } from '../../../components/StateView';
import { useRequest } from '../../../hooks/useRequest';
import { useSession } from '../../../hooks/useSession';
import { colourStyle, validityText, walletOrder } from '../../../licences/view';
import { licenceRoutes } from '../../../utils/routes';
import { LicenceLoadError, LoginGate } from '../components/Gate';
import { StatusChip } from '../components/StatusChip';
import { useRefresh } from '../components/useRefresh';
import '../licences.scss';

/**
 * 电子证照 wallet: one card per licence (type, masked number, issuer, validity, status in its
 * colour — red for an abnormal licence, as 交管12123 shows it); pull down to refresh. Needs L3: a
 * 403 IDENTITY_LEVEL_REQUIRED leads to the face check and back here.
 */
export default function WalletPage() {
  const current = useSession();
  const list = useRequest(() => licences.list(), [current?.me.userId], !!current);
  useRefresh(list.reload, list.loading, !!current);

  if (!current) {
    return (
      <Page className='ov-licences'>
        <LoginGate title='登录后查看电子证照' back={licenceRoutes.wallet} />
      </Page>
    );
  }

  let body;
  if (list.loading && !list.data) body = <LoadingView rows={3} blocks={2} />;
  else if (list.error && !list.data) body = <LicenceLoadError error={list.error} onRetry={list.reload} back={licenceRoutes.wallet} />;
  else if (!list.data || list.data.licences.length === 0) {
    body = (
      <View className='licences-empty'>
        <EmptyView title='暂无电子证照' description='发证机关签发的身份证、驾驶证、行驶证等电子证照会自动归集到这里，下拉可刷新' />
      </View>
    );
  } else {
    body = (
      <View className='ov-licence-list'>
        {walletOrder(list.data.licences).map((l) => (
          <LicenceCard key={l.licenceId} l={l} />
        ))}
        <Text className='ov-licence-synced'>证照信息更新于 {shanghaiDateTime(list.data.syncedAt) || '—'}</Text>
      </View>
    );
  }

  return (
    <Page className='ov-licences'>
      <View className='ov-hero ov-licences-head'>
        <Text className='ov-hero-title'>我的电子证照</Text>
        <Text className='ov-hero-subtitle'>亮证核验 · 授权使用 · 使用记录可查</Text>
      </View>
      {list.error && list.data ? (
        <View className='ov-licences-block'>
          <InlineApiError error={list.error} />
        </View>
      ) : null}
      {body}
      {list.data ? (
        <View className='ov-licence-links'>
          <View className='ov-licence-link licences-usages-all' role='button' onClick={() => void Taro.navigateTo({ url: licenceRoutes.usages() })}>
            <Text>全部使用记录</Text>
            <Text className='ov-licence-link-arrow'>›</Text>
          </View>
          <View className='ov-licence-link licences-grants-all' role='button' onClick={() => void Taro.navigateTo({ url: licenceRoutes.grants() })}>
            <Text>授权管理</Text>
            <Text className='ov-licence-link-arrow'>›</Text>
          </View>
        </View>
      ) : null}
    </Page>
  );
}

function LicenceCard({ l }: { l: LicenceSummary }) {
  const style = colourStyle(l.colour);
  return (
    <View
      className={`ov-licence-card licence-card ${style.className}`}
      data-id={l.licenceId}
      data-colour={style.colour}
      data-status={l.status}
      hoverClass='ov-licence-card--pressed'
      onClick={() => void Taro.navigateTo({ url: licenceRoutes.detail(l.licenceId) })}
    >
      <View className='ov-licence-card-head'>
        <Text className='ov-licence-card-type licence-card-type'>{l.typeName}</Text>
        <StatusChip licence={l} />
      </View>
      <Text className='ov-licence-card-number licence-card-number'>{l.number}</Text>
      <View className='ov-licence-card-rows'>
        <Text className='ov-licence-card-row licence-card-holder'>持证人：{l.holderName}</Text>
        <Text className='ov-licence-card-row licence-card-issuer'>签发机关：{l.issuer}</Text>
        <Text className='ov-licence-card-row licence-card-validity'>有效期：{validityText(l.validFrom, l.validUntil)}</Text>
      </View>
      {l.statusNote ? <Text className={`ov-licence-card-note ov-licence-note--${style.colour} licence-card-note`}>{l.statusNote}</Text> : null}
    </View>
  );
}
