import { useState, type ReactNode } from 'react';
import Taro, { useDidShow } from '@tarojs/taro';
import { Text, View } from '@tarojs/components';
import type { LinkedIdentity, Me } from '@onevisit/shared-types/client';
import { identity, session } from '../../api';
import { ElderSwitch } from '../../components/ElderSwitch';
import { InlineApiError, InlineNotice } from '../../components/Inline';
import { LevelBadge } from '../../components/LevelBadge';
import { Button, Cell } from '../../components/nutui';
import { Page } from '../../components/Page';
import { Pill } from '../../components/Pill';
import { Section } from '../../components/Section';
import { useNotice } from '../../hooks/useNotice';
import { useSession } from '../../hooks/useSession';
import { shanghaiDate } from '../../utils/format';
import { levelCovers, nextStepFor, STEP_ACTIONS } from '../../utils/identity';
import { goToStep } from '../../utils/navigation';
import { addressRoutes, caseRoutes, licenceRoutes, routes } from '../../utils/routes';
import './index.scss';

/** Entries open now: the citizen's applications, licences, and how they hear about them. */
const OPEN_ENTRIES = [
  { key: 'applications', id: 'me-cases', title: '我的办件', description: '申请进度、补正与结果', url: caseRoutes.list() },
  { key: 'licences', id: 'me-licences', title: '电子证照', description: '亮证、授权与使用记录', url: licenceRoutes.wallet },
  { key: 'notifications', id: 'me-notifications', title: '消息通知', description: '办件进度的微信、支付宝与短信提醒', url: caseRoutes.notifications },
  { key: 'addresses', id: 'me-addresses', title: '收货地址', description: '办件结果邮寄地址', url: addressRoutes.list() },
] as const;

/** Entries that arrive with later releases (appointments, ratings). */
const ENTRIES = [
  { key: 'appointments', title: '预约记录', description: '窗口预约与取号' },
  { key: 'ratings', title: '我的评价', description: '好差评与投诉' },
] as const;

const PLATFORM_NAMES: Record<LinkedIdentity['platform'], string> = {
  wechat: '微信',
  alipay: '支付宝',
  phone: '手机号',
  trusted_issuer: '互认平台',
  partner: '合作平台',
};

export default function MePage() {
  const current = useSession();
  const { notice, show } = useNotice();
  const [refreshError, setRefreshError] = useState<unknown>();

  // the level can change elsewhere (face validity ends, another device verifies): ask on every visit
  useDidShow(() => {
    if (!session.loggedIn) return;
    identity.me().then(
      () => setRefreshError(undefined),
      (err: unknown) => setRefreshError(session.loggedIn ? err : undefined),
    );
  });

  return (
    <Page className='ov-me'>
      {current ? <Profile me={current.me} /> : <Guest />}
      {current && refreshError ? (
        <View className='ov-me-block'>
          <InlineApiError error={refreshError} />
        </View>
      ) : null}
      {current ? <IdentitySection me={current.me} /> : null}
      {current && current.me.linked.length ? <LinkedSection linked={current.me.linked} /> : null}

      <View className='ov-me-block'>
        <ElderSwitch />
      </View>

      <View className='ov-me-list'>
        <Cell.Group>
          {OPEN_ENTRIES.map((e) => (
            <Cell
              key={e.key}
              // NutUI's Cell does not render an id: the stable selector is the class
              className={`ov-me-entry ov-me-entry--open ${e.id}`}
              title={e.title}
              description={e.description}
              extra='›'
              clickable
              onClick={() => void Taro.navigateTo({ url: e.url })}
            />
          ))}
          {ENTRIES.map((e) => (
            <Cell
              key={e.key}
              className='ov-me-entry'
              title={e.title}
              description={e.description}
              extra={<Pill tone='gray'>后续版本开放</Pill>}
              onClick={() => show(`“${e.title}”将在后续版本开放`)}
            />
          ))}
        </Cell.Group>
        <InlineNotice id='me-notice'>{notice}</InlineNotice>
      </View>

      {current ? <Logout /> : null}
    </Page>
  );
}

function Guest() {
  return (
    <View className='ov-hero ov-me-card'>
      <View className='ov-me-avatar' />
      <View className='ov-me-text'>
        <Text className='ov-me-name'>未登录</Text>
        <Text className='ov-me-hint'>登录后可实名认证、申请办理、查看办件与证照</Text>
        <Button id='me-login' className='ov-me-login' type='default' size='small' onClick={() => goToStep('login', routes.me)}>
          登录 / 注册
        </Button>
      </View>
    </View>
  );
}

function Profile({ me }: { me: Me }) {
  return (
    <View className='ov-hero ov-me-card'>
      <View className='ov-me-avatar ov-me-avatar--in'>
        <Text>{me.name ? me.name.slice(0, 1) : '民'}</Text>
      </View>
      <View className='ov-me-text'>
        <Text className='ov-me-name'>{me.name ?? '未实名用户'}</Text>
        <View className='ov-me-level'>
          <LevelBadge level={me.level} />
        </View>
        {me.phone ? <Text className='ov-me-hint'>手机号 {me.phone}</Text> : null}
      </View>
    </View>
  );
}

function faceValidity(me: Me): string {
  if (!me.faceValidUntil) return '未认证';
  const until = shanghaiDate(me.faceValidUntil);
  return Date.parse(me.faceValidUntil) < Date.now() ? `已过期（${until}），请重新刷脸` : `有效期至 ${until}`;
}

function IdentitySection({ me }: { me: Me }) {
  const next = nextStepFor(me.level);
  return (
    <Section title='身份认证' className='ov-me-identity'>
      <Row label='认证等级'>
        <LevelBadge level={me.level} />
      </Row>
      <Text className='ov-me-covers'>可办理：{levelCovers(me.level).join('、')}的事项</Text>
      <Row label='姓名' value={me.name ?? '未实名'} id='me-name' />
      <Row label='身份证号' value={me.idNumber ?? '未实名'} id='me-id-number' />
      <Row label='手机号' value={me.phone ?? '未绑定'} id='me-phone' />
      <Row label='实人认证' value={faceValidity(me)} id='me-face-valid' />
      <View className='ov-me-steps'>
        {next ? (
          <Button id='me-next-step' type='primary' size='large' onClick={() => goToStep(next, routes.me)}>
            {STEP_ACTIONS[next]}
          </Button>
        ) : (
          <Button id='me-face-again' type='primary' fill='outline' size='large' onClick={() => goToStep('face', routes.me)}>
            重新刷脸认证
          </Button>
        )}
      </View>
    </Section>
  );
}

function LinkedSection({ linked }: { linked: LinkedIdentity[] }) {
  return (
    <Section title='已绑定账号' className='ov-me-linked'>
      {linked.map((l, i) => (
        <View key={`${l.platform}-${i}`} className='ov-me-linked-row'>
          <Text className='ov-me-linked-platform'>{PLATFORM_NAMES[l.platform] ?? l.platform}</Text>
          <Text className='ov-me-linked-label'>{l.label}</Text>
          <Text className='ov-me-linked-date'>{shanghaiDate(l.linkedAt)} 绑定</Text>
        </View>
      ))}
    </Section>
  );
}

function Row({ label, value, id, children }: { label: string; value?: string; id?: string; children?: ReactNode }) {
  return (
    <View className='ov-me-row'>
      <Text className='ov-me-row-label'>{label}</Text>
      {children ?? (
        <Text id={id} className='ov-me-row-value'>
          {value}
        </Text>
      )}
    </View>
  );
}

/** 退出登录 with an in-place confirmation (no modal: the same in elder mode). */
function Logout() {
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  const logout = async () => {
    setBusy(true);
    await identity.logout();
    setBusy(false);
    setConfirming(false);
  };
  return (
    <View className='ov-me-block ov-me-logout'>
      {confirming ? (
        <View className='ov-me-confirm'>
          <Text className='ov-me-confirm-text'>确定退出登录吗？退出后需重新登录才能办理业务。</Text>
          <View className='ov-me-confirm-actions'>
            <Button id='logout-confirm' type='danger' size='large' loading={busy} onClick={logout}>
              确定退出
            </Button>
            <Button id='logout-cancel' type='default' size='large' onClick={() => setConfirming(false)}>
              取消
            </Button>
          </View>
        </View>
      ) : (
        <Button id='logout' type='default' size='large' block onClick={() => setConfirming(true)}>
          退出登录
        </Button>
      )}
    </View>
  );
}
