import { useEffect, useState } from 'react';
import Taro, { useRouter } from '@tarojs/taro';
import { Text, View } from '@tarojs/components';
import {
  DELIVERY_OPTION_NAMES,
  FEE_DUE_NAMES,
  HANDLING_CLASS_NAMES,
  HANDLING_MODE_NAMES,
  IDENTITY_LEVEL_NAMES,
  ITEM_TYPES,
  type ServiceItem,
} from '@onevisit/shared-types/client';
import { catalog } from '../../api';
import { EligibilityPanel } from '../../components/EligibilityPanel';
import { InlineNotice } from '../../components/Inline';
import { Button, Cell } from '../../components/nutui';
import { Page } from '../../components/Page';
import { Pill } from '../../components/Pill';
import { Section } from '../../components/Section';
import { EmptyView, ErrorView, LoadingView } from '../../components/StateView';
import { useElderMode } from '../../hooks/useElderMode';
import { useRequest } from '../../hooks/useRequest';
import { domainName } from '../../utils/domains';
import { feeLabel, materialFormLabel, routeParam, visitsLabel, workingDaysLabel } from '../../utils/format';
import { applyRoutes } from '../../utils/routes';
import './index.scss';

export default function ItemPage() {
  const code = routeParam(useRouter().params.code);
  const item = useRequest(() => catalog.item(code), [code], !!code);

  useEffect(() => {
    if (item.data) void Taro.setNavigationBarTitle({ title: item.data.name });
  }, [item.data]);

  if (!code) return <Page><EmptyView title='缺少事项编码' /></Page>;
  if (item.loading && !item.data) return <Page><LoadingView rows={4} blocks={4} /></Page>;
  if (item.error) {
    return (
      <Page>
        <ErrorView error={item.error} onRetry={item.reload} />
      </Page>
    );
  }
  if (!item.data) return <Page><EmptyView title='暂无该事项的办事指南' /></Page>;
  return <ItemGuide item={item.data} />;
}

function ItemGuide({ item }: { item: ServiceItem }) {
  const [elder] = useElderMode();
  const [phoneNotice, setPhoneNotice] = useState<string>();
  const call = (title: string, phoneNumber: string) => {
    setPhoneNotice(undefined);
    Taro.makePhoneCall({ phoneNumber }).catch(() => {
      // cancelled by the user, or no dialler (desktop browser): show the number instead — in place in elder mode
      if (elder) setPhoneNotice(`${title}：${phoneNumber}`);
      else void Taro.showModal({ title, content: phoneNumber, showCancel: false });
    });
  };
  return (
    <Page className='ov-item ov-with-apply-bar'>
      <View className='ov-hero ov-item-head'>
        <Text className='ov-hero-title ov-item-name'>{item.name}</Text>
        <View className='ov-item-tags'>
          <Pill tone='glass'>{HANDLING_MODE_NAMES[item.handlingMode]}</Pill>
          <Pill tone='glass'>{HANDLING_CLASS_NAMES[item.handlingClass]}</Pill>
          {item.visitsRequired === 0 ? <Pill tone='glass'>{visitsLabel(0)}</Pill> : null}
          {item.greenChannel ? <Pill tone='glass'>绿色通道</Pill> : null}
        </View>
        <Text className='ov-hero-subtitle ov-item-summary'>{item.summary}</Text>
      </View>

      <Section title='基本信息' className='ov-item-basics'>
        <Fact label='业务领域' value={domainName(item.domain)} />
        <Fact label='事项类型' value={ITEM_TYPES[item.itemType].name} />
        <Fact label='到现场次数' value={item.visitsRequired === 0 ? '0 次（零跑腿）' : `最多 ${item.visitsRequired} 次`} />
        <Fact label='身份认证' value={`${IDENTITY_LEVEL_NAMES[item.identityLevel]}（${item.identityLevel}）`} />
        <Fact label='实施编码' value={item.itemCode} />
        <EligibilityPanel itemCode={item.itemCode} required={item.identityLevel} />
      </Section>

      <Section title='办理条件' className='ov-item-conditions'>
        {item.conditions.map((c, i) => (
          <View key={i} className='ov-numbered'>
            <Text className='ov-numbered-no'>{i + 1}</Text>
            <Text className='ov-numbered-text'>{c}</Text>
          </View>
        ))}
      </Section>

      <Section title='申请材料' className='ov-item-materials' extra={`共 ${item.materials.length} 项`}>
        {item.materials.map((m, i) => (
          <View key={i} className='ov-material'>
            <View className='ov-material-head'>
              <Text className='ov-material-name'>{m.name}</Text>
            </View>
            <View className='ov-material-tags'>
              <Pill tone={m.required ? 'red' : 'gray'}>{m.required ? '必交' : '选交'}</Pill>
              <Pill tone='blue'>{materialFormLabel(m.form, m.copies)}</Pill>
              {m.lateAllowed ? (
                <Pill tone='orange' className='ov-material-late'>
                  容缺受理·可后补
                </Pill>
              ) : null}
            </View>
            {m.note ? <Text className='ov-material-note'>{m.note}</Text> : null}
          </View>
        ))}
      </Section>

      <Section title='办理流程' className='ov-item-steps'>
        {item.steps.map((s, i) => (
          <View key={i} className='ov-step'>
            <View className='ov-step-dot'>{i + 1}</View>
            <View className='ov-step-body'>
              <Text className='ov-step-title'>{s.title}</Text>
              <Text className='ov-step-desc'>{s.description}</Text>
            </View>
          </View>
        ))}
      </Section>

      <Section title='办理时限' className='ov-item-limits'>
        <Fact label='法定办结时限' value={workingDaysLabel(item.legalLimitDays)} />
        <Fact label='承诺办结时限' value={workingDaysLabel(item.promisedLimitDays)} strong />
        {item.greenChannel ? (
          <View className='ov-green'>
            <View className='ov-green-head'>
              <Text className='ov-green-name'>{item.greenChannel.name}</Text>
              <Text className='ov-green-hours'>{item.greenChannel.limitHours} 小时内办结</Text>
            </View>
            <Text className='ov-green-line'>适用对象：{item.greenChannel.eligibility}</Text>
            <Text className='ov-green-line'>{item.greenChannel.description}</Text>
          </View>
        ) : null}
      </Section>

      <Section title='收费标准' className='ov-item-fee'>
        <View className='ov-fee-amount'>
          <Text className={item.fee.amountFen === 0 ? 'ov-fee-free' : 'ov-fee-paid'}>{feeLabel(item.fee.amountFen)}</Text>
          {item.fee.due !== 'none' ? <Text className='ov-fee-due'>{FEE_DUE_NAMES[item.fee.due]}</Text> : null}
        </View>
        <Text className='ov-fee-desc'>{item.fee.description}</Text>
        {item.fee.basis ? <Text className='ov-fee-basis'>收费依据：{item.fee.basis}</Text> : null}
      </Section>

      <Section title='送达方式' className='ov-item-delivery'>
        <View className='ov-delivery'>
          {item.deliveryOptions.map((d) => (
            <Pill key={d} tone='blue' size='large'>
              {DELIVERY_OPTION_NAMES[d]}
            </Pill>
          ))}
        </View>
      </Section>

      <Section title='实施机关与咨询' className='ov-item-contact'>
        <Fact label='实施机关' value={item.department.name} />
        <Fact label='统一社会信用代码' value={item.department.creditCode} />
        <Cell.Group divider>
          <Cell className='ov-phone' title='咨询电话' extra={item.consultPhone} clickable onClick={() => call('咨询电话', item.consultPhone)} />
          {item.complaintPhone ? (
            <Cell className='ov-phone' title='监督投诉电话' extra={item.complaintPhone} clickable onClick={() => call('监督投诉电话', item.complaintPhone!)} />
          ) : null}
        </Cell.Group>
        <InlineNotice id='item-phone'>{phoneNotice}</InlineNotice>
      </Section>

      <Section title='设定依据' className='ov-item-basis'>
        {item.legalBasis.map((b, i) => (
          <Text key={i} className='ov-basis'>
            {b}
          </Text>
        ))}
      </Section>

      <ApplyBar item={item} />
    </Page>
  );
}

/**
 * 在线办理, fixed at the bottom: every handling mode takes an online application; an item that
 * still needs the citizen in person says so before they start.
 */
function ApplyBar({ item }: { item: ServiceItem }) {
  const note = !item.enabled
    ? '该事项暂停网上办理'
    : item.visitsRequired > 0
      ? `网上申请后，仍需到现场 ${item.visitsRequired} 次`
      : '全程网上办理，零跑腿';
  return (
    <View className='ov-apply-bar'>
      <Text className={`ov-apply-bar-note item-apply-note${item.visitsRequired > 0 ? ' ov-apply-bar-note--visit' : ''}`}>{note}</Text>
      <Button
        id='item-apply'
        className='ov-apply-bar-button item-apply'
        type='primary'
        size='large'
        disabled={!item.enabled}
        onClick={() => Taro.navigateTo({ url: applyRoutes.itemForm(item.itemCode) })}
      >
        在线办理
      </Button>
    </View>
  );
}

function Fact({ label, value, strong = false }: { label: string; value: string; strong?: boolean }) {
  return (
    <View className='ov-fact'>
      <Text className='ov-fact-label'>{label}</Text>
      <Text className={`ov-fact-value${strong ? ' ov-fact-value--strong' : ''}`}>{value}</Text>
    </View>
  );
}
