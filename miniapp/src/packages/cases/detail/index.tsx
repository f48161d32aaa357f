import { useEffect, useRef, useState } from 'react';
import Taro, { useDidShow, usePullDownRefresh, useRouter } from '@tarojs/taro';
import { Text, Textarea, View } from '@tarojs/components';
import {
  APPROVAL_DECISION_NAMES,
  DELIVERY_OPTION_NAMES,
  HANDLING_CLASS_NAMES,
  type ApplicationDetail,
  type CaseMaterial,
  type PaymentOrder,
  type PendingMaterial,
  type ServiceItem,
  type Supplement,
} from '@onevisit/shared-types/client';
import { applications, catalog, delivery, isApiError, payments } from '../../../api';
import { Deadline, StatePill, UpstreamLine } from '../../../applications/CaseBits';
import { isFinal, nextStepHint, stateName, timelineActor, timelineNewestFirst, timelineTitle } from '../../../applications/caseView';
import { shanghaiDateTime, shanghaiToday } from '../../../applications/dates';
import { fileSizeLabel } from '../../../applications/files';
import { formRows } from '../../../applications/formValues';
import { MaterialUploader } from '../../../applications/MaterialUploader';
import { emptyEntry, type MaterialEntry, type MaterialSpec } from '../../../applications/submission';
import { canChooseAddress, isBooked, needsAddress, shipmentEventsNewestFirst, shipmentStateName, shipmentTone } from '../../../delivery/shipment';
import { InlineApiError, InlineError, InlineNotice } from '../../../components/Inline';
import { Button } from '../../../components/nutui';
import { Page } from '../../../components/Page';
import { Pill } from '../../../components/Pill';
import { Section } from '../../../components/Section';
import { EmptyView, ErrorView, LoadingView } from '../../../components/StateView';
import { useNotice } from '../../../hooks/useNotice';
import { useRequest, type RequestState } from '../../../hooks/useRequest';
import { useSession } from '../../../hooks/useSession';
import { channelName, paymentStateName, paymentTone, refundStateName, refundTone, yuan } from '../../../payments/payView';
import { routeParam } from '../../../utils/format';
import { goToStep } from '../../../utils/navigation';
import { addressRoutes, applyRoutes, caseRoutes, payRoutes } from '../../../utils/routes';
import '../cases.scss';

/** A case: state, deadline, where it is, what the citizen may do now, and everything that happened. */
export default function CaseDetailPage() {
  const caseNo = routeParam(useRouter().params.caseNo);
  const current = useSession();
  const detail = useRequest(() => applications.get(caseNo), [caseNo, current?.me.userId], !!caseNo && !!current);
  const itemCode = detail.data?.itemCode;
  // the case's payment orders and refunds (a draft has none)
  const state = detail.data?.state;
  const paysEnabled = !!caseNo && !!current && !!state && state !== 'draft';
  const pays = useRequest(() => payments.ofCase(caseNo), [caseNo, current?.me.userId, state], paysEnabled);
  // the item's form labels and material list (for the supplement answer)
  const item = useRequest(() => catalog.item(itemCode!), [itemCode], !!itemCode);
  const shown = useRef(false);
  const refreshing = useRef(false);

  usePullDownRefresh(() => {
    refreshing.current = true;
    detail.reload();
    if (paysEnabled) pays.reload();
  });
  useEffect(() => {
    if (!detail.loading && refreshing.current) {
      refreshing.current = false;
      void Taro.stopPullDownRefresh();
    }
  }, [detail.loading]);
  useDidShow(() => {
    if (shown.current && current && caseNo) {
      detail.reload();
      if (paysEnabled) pays.reload();
    }
    shown.current = true;
  });

  if (!caseNo) return <Page className='ov-cases'><EmptyView title='缺少办件编号' /></Page>;
  if (!current) {
    return (
      <Page className='ov-cases'>
        <EmptyView title='登录后查看办件详情' />
        <View className='ov-cases-actions'>
          <Button className='cases-login' type='primary' size='large' block onClick={() => goToStep('login', caseRoutes.detail(caseNo))}>
            去登录
          </Button>
        </View>
      </Page>
    );
  }
  if (detail.loading && !detail.data) return <Page className='ov-cases'><LoadingView rows={3} blocks={4} /></Page>;
  if (detail.error && !detail.data) {
    if (isApiError(detail.error) && detail.error.code === 'APPLICATION_NOT_FOUND') {
      return <Page className='ov-cases'><EmptyView title='未找到该办件' description={`办件编号：${caseNo}`} /></Page>;
    }
    return <Page className='ov-cases'><ErrorView error={detail.error} onRetry={detail.reload} /></Page>;
  }
  if (!detail.data) return <Page className='ov-cases'><EmptyView title='暂无该办件的信息' /></Page>;
  return <CaseDetail d={detail.data} item={item.data} pays={pays} reload={detail.reload} refreshError={detail.error} />;
}

function CaseDetail({
  d,
  item,
  pays,
  reload,
  refreshError,
}: {
  d: ApplicationDetail;
  item?: ServiceItem;
  pays: RequestState<{ orders: PaymentOrder[] }>;
  reload: () => void;
  refreshError?: unknown;
}) {
  const { notice, show } = useNotice();
  const hint = nextStepHint(d);
  const copy = () => {
    Taro.setClipboardData({ data: d.caseNo }).then(
      () => show('办件编号已复制'),
      () => show(`办件编号：${d.caseNo}`),
    );
  };
  const final = isFinal(d.state);
  const openSupplement = d.supplement && !d.supplement.answeredAt && d.actions.includes('answer_supplement') ? d.supplement : null;

  return (
    <Page className='ov-cases ov-case-detail'>
      <View className='ov-hero ov-case-head'>
        <Text className='ov-hero-title case-item-name'>{d.itemName}</Text>
        <View className='ov-case-head-tags'>
          <StatePill state={d.state} size='large' className='case-state-main' />
          <Pill tone='glass'>{HANDLING_CLASS_NAMES[d.handlingClass]}</Pill>
          {d.greenChannel ? <Pill tone='glass'>绿色通道</Pill> : null}
        </View>
        <View className='ov-case-no-row'>
          <Text className='ov-case-no-label'>办件编号</Text>
          <Text id='case-no' className='ov-case-no case-no' userSelect>
            {d.caseNo}
          </Text>
          <Text id='case-copy-no' className='ov-case-copy case-copy-no' onClick={copy}>
            复制
          </Text>
        </View>
      </View>
      <View className='ov-case-block'>
        <InlineNotice id='case-notice'>{notice}</InlineNotice>
        {refreshError ? <InlineApiError error={refreshError} /> : null}
        {hint ? <InlineNotice id='case-hint'>{hint}</InlineNotice> : null}
      </View>

      <Section title='办理进度' className='case-section-progress'>
        {d.deadline ? (
          <Deadline deadline={d.deadline} />
        ) : (
          <Text className='ov-case-line case-deadline-none'>
            {final ? `${stateName(d.state)}${d.decidedAt ? `（${shanghaiDateTime(d.decidedAt)}）` : ''}` : d.state === 'draft' ? '提交后开始办理' : '受理后开始计算办理时限'}
          </Text>
        )}
        {d.state !== 'draft' ? <UpstreamLine upstream={d.upstream} id='case-upstream' /> : null}
        <View className='ov-case-facts'>
          {d.submittedAt ? <Fact label='提交时间' value={shanghaiDateTime(d.submittedAt)} /> : <Fact label='创建时间' value={shanghaiDateTime(d.createdAt)} />}
          {d.acceptedAt ? <Fact label='受理时间' value={shanghaiDateTime(d.acceptedAt)} /> : null}
          {d.decidedAt ? <Fact label='办结时间' value={shanghaiDateTime(d.decidedAt)} /> : null}
          <Fact label='领取方式' value={DELIVERY_OPTION_NAMES[d.deliveryOption] ?? d.deliveryOption} />
        </View>
        {d.bundleCaseNo ? (
          <View className='ov-case-link case-bundle-link' onClick={() => Taro.navigateTo({ url: caseRoutes.bundle(d.bundleCaseNo!) })}>
            <Text>本件属于“一件事”联办，查看全部事项进度</Text>
            <Text className='ov-case-link-arrow'>›</Text>
          </View>
        ) : null}
        {d.actions.includes('submit') ? (
          <Button id='case-continue' className='ov-case-action case-continue' type='primary' size='large' block onClick={() => Taro.navigateTo({ url: applyRoutes.draftForm(d.itemCode, d.caseNo) })}>
            继续填写并提交
          </Button>
        ) : null}
        {d.state === 'awaiting_payment' ? (
          <Button id='case-pay' className='ov-case-action case-pay' type='primary' size='large' block onClick={() => Taro.navigateTo({ url: payRoutes.pay(d.caseNo) })}>
            去缴费
          </Button>
        ) : null}
      </Section>

      {openSupplement ? <SupplementAnswer d={d} supplement={openSupplement} item={item} onDone={reload} /> : null}
      {d.supplement && d.supplement.answeredAt ? <SupplementAnswered supplement={d.supplement} /> : null}

      {d.pendingMaterials.length ? <PendingMaterials d={d} onDone={reload} /> : null}

      {d.approvals.length ? (
        <Section title='并联审批' className='case-section-approvals' extra={`${d.approvals.filter((a) => a.decision !== 'pending').length}/${d.approvals.length} 个部门已会签`}>
          {d.approvals.map((a, i) => (
            <View key={`${a.department}-${i}`} className={`ov-case-approval case-approval case-approval--${a.decision}`}>
              <View className='ov-case-approval-head'>
                <Text className='ov-case-approval-dept'>{a.department}</Text>
                <Pill tone={a.decision === 'approved' ? 'green' : a.decision === 'rejected' ? 'red' : 'gray'}>
                  {a.decision === 'approved' ? '✓ ' : a.decision === 'rejected' ? '✗ ' : ''}
                  {APPROVAL_DECISION_NAMES[a.decision]}
                </Pill>
              </View>
              {a.note ? <Text className='ov-case-approval-note'>{a.note}</Text> : null}
              {a.decidedAt ? <Text className='ov-case-approval-time'>{shanghaiDateTime(a.decidedAt)}</Text> : null}
            </View>
          ))}
        </Section>
      ) : null}

      <Payments pays={pays} />

      {/*
        ──── postal delivery (邮寄) ────
        The postal-address choice for a posted case (apiPaths.applicationAddress, the citizen's
        addresses at apiPaths.meAddresses, packages/addresses) and the shipment tracking
        (apiPaths.applicationShipment: waybill, Shipment events), between the payments and the
        timeline. See DeliverySlot below.
      */}
      <DeliverySlot d={d} />

      <Section title='办理记录' className='case-section-timeline'>
        {d.timeline.length === 0 ? <Text className='ov-muted ov-apply-muted'>暂无办理记录</Text> : null}
        <View className='ov-timeline case-timeline'>
          {timelineNewestFirst(d.timeline).map((e, i) => (
            <View key={`${e.at}-${i}`} className={`ov-timeline-event case-timeline-event${i === 0 ? ' ov-timeline-event--latest' : ''}`}>
              <View className='ov-timeline-dot' />
              <View className='ov-timeline-body'>
                <View className='ov-timeline-head'>
                  <Text className='ov-timeline-title case-timeline-action'>{timelineTitle(e)}</Text>
                  <Text className='ov-timeline-state'>{stateName(e.state)}</Text>
                </View>
                <Text className='ov-timeline-meta case-timeline-actor'>
                  {timelineActor(e)} · {shanghaiDateTime(e.at)}
                </Text>
                {e.note ? <Text className='ov-timeline-note case-timeline-note'>{e.note}</Text> : null}
              </View>
            </View>
          ))}
        </View>
      </Section>

      {d.materials.length ? <SubmittedMaterials materials={d.materials} /> : null}

      <FormSection d={d} item={item} />

      {d.actions.includes('withdraw') ? <Withdraw caseNo={d.caseNo} onDone={reload} /> : null}
    </Page>
  );
}

/**
 * 缴费记录: each order (amount, channel, state, paid time) and its refunds (amount, state,
 * reason), so a citizen sees the money go back after a rejection or a withdrawal.
 */
function Payments({ pays }: { pays: RequestState<{ orders: PaymentOrder[] }> }) {
  const orders = pays.data?.orders ?? [];
  if (!orders.length && !pays.error) return null;
  // newest first
  const shown = [...orders].sort((a, b) => Date.parse(b.createdAt) - Date.parse(a.createdAt));
  return (
    <Section title='缴费记录' className='case-section-payments'>
      {pays.error ? <ErrorView error={pays.error} onRetry={pays.reload} compact /> : null}
      {shown.map((o) => (
        <View key={o.orderNo} className={`ov-case-payment case-payment case-payment--${o.state}`} data-state={o.state}>
          <View className='ov-case-payment-head'>
            <Text className='ov-case-payment-amount case-payment-amount'>{yuan(o.amountFen)}</Text>
            <Pill tone={paymentTone(o.state)} className={`case-payment-state case-payment-state--${o.state}`}>
              {paymentStateName(o.state)}
            </Pill>
          </View>
          <Fact label='支付方式' value={channelName(o.channel)} />
          {o.paidAt ? <Fact label='支付时间' value={shanghaiDateTime(o.paidAt)} /> : <Fact label='下单时间' value={shanghaiDateTime(o.createdAt)} />}
          <Fact label='订单号' value={o.orderNo} />
          {o.refunds.map((r) => (
            <View key={r.refundNo} className={`ov-case-refund case-refund case-refund--${r.state}`} data-state={r.state}>
              <View className='ov-case-payment-head'>
                <Text className='ov-case-refund-title'>
                  退款 <Text className='case-refund-amount'>{yuan(r.amountFen)}</Text>
                </Text>
                <Pill tone={refundTone(r.state)} className={`case-refund-state case-refund-state--${r.state}`}>
                  {refundStateName(r.state)}
                </Pill>
              </View>
              <Text className='ov-case-line case-refund-reason'>{r.reason}</Text>
              <Text className='ov-case-refund-time'>
                {r.refundedAt ? `${shanghaiDateTime(r.refundedAt)} 退回原付款账户` : `${shanghaiDateTime(r.createdAt)} 申请退款`}
              </Text>
            </View>
          ))}
        </View>
      ))}
    </Section>
  );
}

/**
 * 邮寄送达, for a posted case (`deliveryOption === 'postal'`) only: the chosen address (masked) or
 * 选择收件地址, and once the courier has booked it the waybill and the tracking, newest first.
 */
function DeliverySlot({ d }: { d: ApplicationDetail }) {
  if (d.deliveryOption !== 'postal') return null;
  return <PostalDelivery d={d} />;
}

function PostalDelivery({ d }: { d: ApplicationDetail }) {
  // fetched again whenever the case is (on show, pull-down, after an action): back from the
  // address list, the new address is here
  const ship = useRequest(() => delivery.shipment(d.caseNo), [d]);
  const { notice, show } = useNotice();
  const none = isApiError(ship.error) && ship.error.code === 'SHIPMENT_NOT_FOUND';
  const s = none ? undefined : ship.data;
  const choose = () => void Taro.navigateTo({ url: addressRoutes.list({ caseNo: d.caseNo }) });

  let body;
  if (ship.loading && !s && !ship.error) body = <LoadingView rows={2} />;
  else if (ship.error && !none && !s) body = <ErrorView error={ship.error} onRetry={ship.reload} compact />;
  else if (!s) {
    body = needsAddress(d.state) ? (
      <>
        <Text className='ov-case-line ov-case-delivery-line case-address-none'>尚未选择收件地址，办件结果将按您选择的地址快递寄出。</Text>
        <Button id='case-address-choose' className='ov-case-action case-address-choose' type='primary' size='large' block onClick={choose}>
          选择收件地址
        </Button>
      </>
    ) : (
      <Text className='ov-case-line ov-case-delivery-line case-address-none'>该办件已结束，无需邮寄。</Text>
    );
  } else {
    const booked = isBooked(s);
    const copy = () => {
      Taro.setClipboardData({ data: s.waybillNo! }).then(
        () => show('运单号已复制'),
        () => show(`运单号：${s.waybillNo}`),
      );
    };
    body = (
      <>
        <View id='case-address' className='ov-case-address case-address'>
          <Text className='ov-case-line ov-case-delivery-line case-address-recipient'>
            {s.recipient.name} {s.recipient.phone}
          </Text>
          <Text className='ov-case-line ov-case-delivery-line case-address-line'>{[s.recipient.region, s.recipient.detail].filter(Boolean).join(' ')}</Text>
        </View>
        {canChooseAddress(d.state, s) ? (
          <View id='case-address-change' className='ov-case-link case-address-change' onClick={choose}>
            <Text>更换收件地址（快递下单前可更换）</Text>
            <Text className='ov-case-link-arrow'>›</Text>
          </View>
        ) : null}
        {booked ? (
          <>
            <View className='ov-info-row'>
              <Text className='ov-info-label'>快递状态</Text>
              <View id='case-shipment-state' className={`case-shipment-state case-shipment-state--${s.state}`} data-state={s.state}>
                <Pill tone={shipmentTone(s.state)}>{shipmentStateName(s.state)}</Pill>
              </View>
            </View>
            <View className='ov-case-no-row ov-case-waybill-row'>
              <Text className='ov-info-label'>运单号</Text>
              <Text id='case-waybill' className='ov-case-no case-waybill' userSelect>
                {s.waybillNo}
              </Text>
              <Text id='case-waybill-copy' className='ov-case-copy case-waybill-copy' onClick={copy}>
                复制
              </Text>
            </View>
            <InlineNotice id='case-delivery-notice'>{notice}</InlineNotice>
            {s.events.length ? (
              <View className='ov-timeline case-shipment-events'>
                {shipmentEventsNewestFirst(s.events).map((e, i) => (
                  <View
                    key={`${e.at}-${i}`}
                    className={`ov-timeline-event case-shipment-event${i === 0 ? ' ov-timeline-event--latest' : ''}`}
                    data-state={e.state}
                  >
                    <View className='ov-timeline-dot' />
                    <View className='ov-timeline-body'>
                      <View className='ov-timeline-head'>
                        <Text className='ov-timeline-title case-shipment-event-state'>{shipmentStateName(e.state)}</Text>
                        <Text className='ov-timeline-state'>{shanghaiDateTime(e.at)}</Text>
                      </View>
                      <Text className='ov-timeline-note case-shipment-event-text'>{e.description}</Text>
                      {e.location ? <Text className='ov-timeline-meta ov-case-shipment-location'>{e.location}</Text> : null}
                    </View>
                  </View>
                ))}
              </View>
            ) : (
              <Text className='ov-muted ov-apply-muted'>快递已下单，等待快递员揽收</Text>
            )}
          </>
        ) : (
          <Text id='case-shipment-pending' className='ov-case-line ov-case-delivery-line case-shipment-pending'>
            {d.state === 'shipped' || d.state === 'completed' ? '结果已寄出，运单信息更新中' : '待寄出：办件结果制作完成后按此地址寄出'}
          </Text>
        )}
      </>
    );
  }

  return (
    <Section title='邮寄送达' className='case-section-delivery'>
      {ship.error && s && !none ? <InlineApiError error={ship.error} /> : null}
      {body}
    </Section>
  );
}

function Fact({ label, value }: { label: string; value: string }) {
  return (
    <View className='ov-info-row'>
      <Text className='ov-info-label'>{label}</Text>
      <Text className='ov-info-value'>{value}</Text>
    </View>
  );
}

const SOURCE_NAMES: Record<CaseMaterial['source'], string> = { submission: '申请时提交', supplement: '补正提交', pending: '容缺补交' };

function SubmittedMaterials({ materials }: { materials: CaseMaterial[] }) {
  return (
    <Section title='已提交材料' className='case-section-materials' extra={`共 ${materials.length} 份`}>
      {materials.map((m, i) => (
        <View key={`${m.sha256}-${i}`} className='ov-info-row case-material'>
          <View className='ov-case-material-main'>
            <Text className='ov-case-material-name'>{m.materialName}</Text>
            <Text className='ov-case-material-file'>
              {m.fileName} · {fileSizeLabel(m.bytes)}
            </Text>
          </View>
          <Text className='ov-case-material-source'>
            {SOURCE_NAMES[m.source]}
            {'\n'}
            {shanghaiDateTime(m.attachedAt)}
          </Text>
        </View>
      ))}
    </Section>
  );
}

function FormSection({ d, item }: { d: ApplicationDetail; item?: ServiceItem }) {
  const [open, setOpen] = useState(false);
  const rows = formRows(item?.formSchema ?? [], d.formData);
  if (!rows.length) return null;
  return (
    <Section
      title='申请信息'
      className='case-section-form'
      extra={
        <Text className='ov-apply-link case-form-toggle' onClick={() => setOpen(!open)}>
          {open ? '收起' : '展开'}
        </Text>
      }
    >
      {open ? (
        rows.map((r) => (
          <View key={r.key} className={`ov-info-row case-form-field case-form-field-${r.key}`}>
            <Text className='ov-info-label'>{r.label}</Text>
            <Text className='ov-info-value'>{r.value}</Text>
          </View>
        ))
      ) : (
        <Text className='ov-muted ov-apply-muted'>共 {rows.length} 项，身份证号、手机号已隐去部分数字</Text>
      )}
    </Section>
  );
}

/** 补正: the reasons, and the answer — files per material of the item, and a note. */
function SupplementAnswer({ d, supplement, item, onDone }: { d: ApplicationDetail; supplement: Supplement; item?: ServiceItem; onDone: () => void }) {
  const specs: MaterialSpec[] = item
    ? item.materials.map((m) => ({ name: m.name, required: false, lateAllowed: false, ...(m.note ? { note: m.note } : {}) }))
    : [...new Set(d.materials.map((m) => m.materialName))].map((name) => ({ name, required: false, lateAllowed: false }));
  const [entries, setEntries] = useState<Record<string, MaterialEntry>>({});
  const [note, setNote] = useState('');
  const [problem, setProblem] = useState<string>();
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const sending = useRef(false);

  const submit = async () => {
    if (sending.current) return;
    const materials = specs.flatMap((s) => (entries[s.name]?.files ?? []).map((f) => ({ materialName: s.name, uploadId: f.uploadId })));
    const text = note.trim();
    if (!materials.length && !text) {
      setProblem('请上传补正材料，或填写补正说明');
      return;
    }
    if (text.length > 500) {
      setProblem('补正说明不能超过 500 字');
      return;
    }
    setProblem(undefined);
    setError(undefined);
    sending.current = true;
    setBusy(true);
    try {
      await applications.answerSupplement(d.caseNo, { supplementId: supplement.supplementId, materials, ...(text ? { note: text } : {}) });
      onDone();
    } catch (err) {
      setError(err);
      if (isApiError(err) && (err.code === 'SUPPLEMENT_NOT_OPEN' || err.code === 'CASE_TRANSITION_ILLEGAL')) onDone();
    } finally {
      sending.current = false;
      setBusy(false);
    }
  };

  return (
    <Section title='待补正' className='case-section-supplement case-supplement'>
      <Text className='ov-case-line'>工作人员于 {shanghaiDateTime(supplement.requestedAt)} 要求补正，办理时限暂停计算，补正提交后恢复：</Text>
      <View className='ov-case-reasons'>
        {supplement.reasons.map((r, i) => (
          <View key={i} className='ov-numbered case-supplement-reason'>
            <Text className='ov-numbered-no'>{i + 1}</Text>
            <Text className='ov-numbered-text'>{r}</Text>
          </View>
        ))}
      </View>
      <Text className='ov-field-label ov-case-subtitle'>上传补正材料</Text>
      {specs.map((spec, i) => (
        <MaterialUploader
          key={spec.name}
          index={i}
          prefix='case-supplement'
          showTags={false}
          spec={spec}
          entry={entries[spec.name] ?? emptyEntry()}
          update={(change) => setEntries((all) => ({ ...all, [spec.name]: change(all[spec.name] ?? emptyEntry()) }))}
          disabled={busy}
        />
      ))}
      <View className='ov-field'>
        <Text className='ov-field-label'>补正说明（选填）</Text>
        <Textarea
          className='ov-apply-textarea case-supplement-note'
          value={note}
          maxlength={500}
          autoHeight
          placeholder='如：已按要求重新拍摄户口簿本人页'
          onInput={(e) => setNote(e.detail.value)}
        />
      </View>
      <InlineError id='case-supplement-problem'>{problem}</InlineError>
      <InlineApiError error={error} id='case-supplement-error' />
      <Button id='case-supplement-submit' className='ov-case-action case-supplement-submit' type='primary' size='large' block loading={busy} disabled={busy} onClick={submit}>
        提交补正
      </Button>
    </Section>
  );
}

function SupplementAnswered({ supplement }: { supplement: Supplement }) {
  return (
    <Section title='补正记录' className='case-section-supplement-done'>
      {supplement.reasons.map((r, i) => (
        <View key={i} className='ov-numbered'>
          <Text className='ov-numbered-no'>{i + 1}</Text>
          <Text className='ov-numbered-text'>{r}</Text>
        </View>
      ))}
      <Text className='ov-case-line'>已于 {shanghaiDateTime(supplement.answeredAt)} 提交补正{supplement.answerNote ? `：${supplement.answerNote}` : ''}</Text>
    </Section>
  );
}

/** 容缺: materials promised for later, each with its date and, until supplied, an upload and 提交. */
function PendingMaterials({ d, onDone }: { d: ApplicationDetail; onDone: () => void }) {
  const open = !isFinal(d.state);
  return (
    <Section title='容缺补交材料' className='case-section-pending' extra={`${d.pendingMaterials.filter((p) => p.suppliedAt).length}/${d.pendingMaterials.length} 已补交`}>
      {d.pendingMaterials.map((p, i) => (
        <PendingRow key={p.materialName} caseNo={d.caseNo} p={p} index={i} canSupply={open} onDone={onDone} />
      ))}
    </Section>
  );
}

function PendingRow({ caseNo, p, index, canSupply, onDone }: { caseNo: string; p: PendingMaterial; index: number; canSupply: boolean; onDone: () => void }) {
  const [entry, setEntry] = useState<MaterialEntry>(emptyEntry());
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const sending = useRef(false);
  const overdue = !p.suppliedAt && p.promisedBy < shanghaiToday();

  const supply = async () => {
    const file = entry.files[0];
    if (!file || sending.current) return;
    sending.current = true;
    setBusy(true);
    setError(undefined);
    try {
      await applications.supplyPendingMaterial(caseNo, { materialName: p.materialName, uploadId: file.uploadId });
      onDone();
    } catch (err) {
      setError(err);
    } finally {
      sending.current = false;
      setBusy(false);
    }
  };

  return (
    <View className={`ov-case-pending case-pending case-pending-${index}${p.suppliedAt ? ' case-pending--supplied' : ''}`}>
      <View className='ov-case-pending-head'>
        <Text className='ov-material-name'>{p.materialName}</Text>
        <Pill tone={p.suppliedAt ? 'green' : overdue ? 'red' : 'orange'}>{p.suppliedAt ? '✓ 已补交' : overdue ? '已逾期' : '待补交'}</Pill>
      </View>
      <Text className='ov-case-line'>
        {p.suppliedAt ? `已于 ${shanghaiDateTime(p.suppliedAt)} 补交` : `请于 ${p.promisedBy} 前补交`}
      </Text>
      {!p.suppliedAt && canSupply ? (
        <>
          <MaterialUploader
            index={index}
            prefix='case-pending'
            showTags={false}
            showName={false}
            spec={{ name: p.materialName, required: true, lateAllowed: false }}
            entry={entry}
            update={(change) => setEntry((e) => change(e))}
            maxFiles={1}
            disabled={busy}
          />
          <InlineApiError error={error} />
          {entry.files.length ? (
            <Button className={`ov-case-action case-pending-submit case-pending-submit-${index}`} type='primary' size='large' block loading={busy} disabled={busy} onClick={supply}>
              提交补交材料
            </Button>
          ) : null}
        </>
      ) : null}
    </View>
  );
}

/** 撤回申请, confirmed in place (the same in elder mode: no pop-up), with an optional reason. */
function Withdraw({ caseNo, onDone }: { caseNo: string; onDone: () => void }) {
  const [confirming, setConfirming] = useState(false);
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  const sending = useRef(false);

  const withdraw = async () => {
    if (sending.current) return;
    sending.current = true;
    setBusy(true);
    setError(undefined);
    try {
      await applications.withdraw(caseNo, reason.slice(0, 200));
      setConfirming(false);
      onDone();
    } catch (err) {
      setError(err);
      if (isApiError(err) && err.code === 'CASE_TRANSITION_ILLEGAL') onDone();
    } finally {
      sending.current = false;
      setBusy(false);
    }
  };

  return (
    <View className='ov-case-block ov-case-withdraw'>
      {confirming ? (
        <View className='ov-case-confirm case-withdraw-confirm-box' role='dialog' aria-label='确认撤回申请'>
          <Text className='ov-case-confirm-title'>确定撤回这份申请吗？</Text>
          <Text className='ov-case-confirm-text'>撤回后本申请终止办理，已上传的材料不再使用；如需办理，请重新申请。</Text>
          <View className='ov-field'>
            <Text className='ov-field-label'>撤回原因（选填）</Text>
            <Textarea
              className='ov-apply-textarea case-withdraw-reason'
              value={reason}
              maxlength={200}
              autoHeight
              placeholder='如：信息填写有误，重新申请'
              onInput={(e) => setReason(e.detail.value)}
            />
          </View>
          <InlineApiError error={error} id='case-withdraw-error' />
          <Button id='case-withdraw-confirm' className='case-withdraw-confirm' type='danger' size='large' block loading={busy} disabled={busy} onClick={withdraw}>
            确定撤回
          </Button>
          <Button id='case-withdraw-cancel' className='case-withdraw-cancel' type='default' size='large' block disabled={busy} onClick={() => setConfirming(false)}>
            暂不撤回
          </Button>
        </View>
      ) : (
        <Button id='case-withdraw' className='case-withdraw' type='default' size='large' block onClick={() => setConfirming(true)}>
          撤回申请
        </Button>
      )}
    </View>
  );
}
