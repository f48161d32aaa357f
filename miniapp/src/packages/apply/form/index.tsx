import { useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import Taro, { useDidShow, useRouter } from '@tarojs/taro';
import { Text, View } from '@tarojs/components';
import { DELIVERY_OPTION_NAMES, FEE_DUE_NAMES, type ApplicationDetail, type DeliveryOption, type Fee } from '@onevisit/shared-types/client';
import { applications, catalog, identity } from '../../../api';
import { Chips, FieldControl, FieldRow, isBoxless, Toggle } from '../../../applications/controls';
import { checkField, valuesFromCase, type FieldValue } from '../../../applications/formValues';
import { MaterialUploader } from '../../../applications/MaterialUploader';
import {
  bundleTarget,
  canDeclareLater,
  emptyEntry,
  errorCount,
  initialState,
  itemTarget,
  prepareSubmission,
  promiseRange,
  type ApplicationErrors,
  type ApplyState,
  type ApplyTarget,
  type MaterialEntry,
} from '../../../applications/submission';
import { EligibilityPanel } from '../../../components/EligibilityPanel';
import { InlineError, InlineNotice } from '../../../components/Inline';
import { Button } from '../../../components/nutui';
import { Page } from '../../../components/Page';
import { Section } from '../../../components/Section';
import { EmptyView, ErrorView, LoadingView } from '../../../components/StateView';
import { useRequest } from '../../../hooks/useRequest';
import { useSession } from '../../../hooks/useSession';
import { feeLabel, routeParam } from '../../../utils/format';
import { applyRoutes, caseRoutes } from '../../../utils/routes';
import { applyStore, targetKey, type ApplySession } from '../store';
import '../apply.scss';

interface Loaded {
  target: ApplyTarget;
  fee?: Fee;
}

/** The item (or the bundle and each of its items) from the catalogue. */
async function loadTarget(itemCode: string, bundleCode: string, caseNo: string): Promise<Loaded> {
  if (bundleCode) {
    const bundle = await catalog.bundle(bundleCode);
    const items = await Promise.all(bundle.itemCodes.map((code) => catalog.item(code)));
    return { target: bundleTarget(bundle, items) };
  }
  const item = await catalog.item(itemCode);
  return { target: itemTarget(item, caseNo || undefined), fee: item.fee };
}

/**
 * 在线办理: the application form of an item (`itemCode`), a life-event bundle (`bundleCode`), or a
 * draft case to complete (`itemCode` + `caseNo`). The identity level is checked first; then the
 * form from the item's schema, the materials, the delivery option and the green channel; 下一步
 * checks everything as the BFF will and opens the review page.
 */
export default function ApplyFormPage() {
  const params = useRouter().params;
  const itemCode = routeParam(params.itemCode);
  const bundleCode = routeParam(params.bundleCode);
  const caseNo = routeParam(params.caseNo);
  const loaded = useRequest(() => loadTarget(itemCode, bundleCode, caseNo), [itemCode, bundleCode, caseNo], !!(itemCode || bundleCode));

  useEffect(() => {
    if (loaded.data) void Taro.setNavigationBarTitle({ title: loaded.data.target.kind === 'bundle' ? `${loaded.data.target.name}` : '在线办理' });
  }, [loaded.data]);

  if (!itemCode && !bundleCode) return <Page className='ov-apply'><EmptyView title='缺少事项编码' description='请从事项的办事指南进入在线办理' /></Page>;
  if (loaded.loading && !loaded.data) return <Page className='ov-apply'><LoadingView rows={3} blocks={4} /></Page>;
  if (loaded.error || !loaded.data) {
    return (
      <Page className='ov-apply'>
        <ErrorView error={loaded.error ?? new Error('未能加载事项')} onRetry={loaded.reload} />
      </Page>
    );
  }
  const { target, fee } = loaded.data;
  const here = target.kind === 'bundle' ? applyRoutes.bundleForm(target.code) : caseNo ? applyRoutes.draftForm(target.code, caseNo) : applyRoutes.itemForm(target.code);
  return (
    <Page className='ov-apply ov-apply-form'>
      <View className='ov-hero ov-apply-head'>
        <Text className='ov-hero-title apply-title'>{target.name}</Text>
        <Text className='ov-hero-subtitle'>
          {target.kind === 'bundle' ? `一件事一次办：一次填报，同时申请 ${target.itemCodes.length} 个事项` : caseNo ? `继续填写草稿 ${caseNo}` : '在线填写申请，上传材料，提交后可随时查看进度'}
        </Text>
      </View>
      <Gate target={target} back={here}>
        <ApplyForm target={target} fee={fee} />
      </Gate>
    </Page>
  );
}

/** The form only for a citizen whose identity level is enough; otherwise the step that gets them there (and back here). */
function Gate({ target, back, children }: { target: ApplyTarget; back: string; children: ReactNode }) {
  const current = useSession();
  const level = current?.me.level;
  const check = useRequest(() => identity.eligibility(target.gateItemCode), [target.gateItemCode, level], !!current);
  if (current && check.loading && !check.data) return <LoadingView rows={2} blocks={2} />;
  if (current && check.error) {
    return (
      <Section title='身份核验' className='apply-gate'>
        <ErrorView error={check.error} onRetry={check.reload} compact />
      </Section>
    );
  }
  if (!current || !check.data?.eligible) {
    return (
      <Section title='办理前请先完成身份核验' className='apply-gate'>
        <Text className='ov-apply-gate-text'>为保护您的个人信息，网上申请须本人登录并达到事项要求的认证等级。</Text>
        <EligibilityPanel itemCode={target.gateItemCode} required={target.identityLevel} back={back} />
      </Section>
    );
  }
  return <>{children}</>;
}

function ApplyForm({ target, fee }: { target: ApplyTarget; fee?: Fee }) {
  const key = targetKey(target);
  // The application this page instance works on. A new instance resumes an unfinished one (the
  // citizen left the review page and came back through the item guide) but never a submitted one.
  const sessionRef = useRef<ApplySession | undefined>(undefined);
  const [state, setState] = useState<ApplyState>(() => {
    const existing = applyStore.get(key);
    if (existing?.submitted) applyStore.clear(key);
    else if (existing) sessionRef.current = existing;
    return sessionRef.current?.state ?? initialState(target);
  });
  const [errors, setErrors] = useState<ApplicationErrors>({ fields: {}, materials: {} });
  const [banner, setBanner] = useState<string>();
  const [submitted, setSubmitted] = useState<ApplySession['submitted']>();
  const range = useMemo(() => promiseRange(), []);
  const draftLoaded = useRef(false);

  // A draft case: its values (masked numbers are typed again) and options; its materials must be uploaded again
  const draft = useRequest(() => applications.get(target.caseNo!), [target.caseNo], !!target.caseNo);
  useEffect(() => {
    const d = draft.data;
    if (!d || draftLoaded.current || sessionRef.current) return;
    draftLoaded.current = true;
    setState((s) => ({
      ...s,
      values: valuesFromCase(target.fields, d.formData),
      delivery: target.deliveryOptions.includes(d.deliveryOption) ? d.deliveryOption : s.delivery,
      greenChannel: !!target.greenChannel && d.greenChannel,
    }));
  }, [draft.data, target]);

  // Back from the review page: the case it made (this form never submits again), or what the BFF refused
  useDidShow(() => {
    const session = sessionRef.current;
    if (!session) return;
    if (session.submitted) {
      setSubmitted(session.submitted);
      return;
    }
    if (session.serverErrors) {
      const { message, ...rest } = session.serverErrors;
      setErrors(rest);
      setBanner(message ?? '提交未成功，请按提示修改后重新提交');
      session.serverErrors = undefined;
      scrollToFirst(rest);
    }
  });

  const again = () => {
    applyStore.clear(key);
    sessionRef.current = undefined;
    setSubmitted(undefined);
    setErrors({ fields: {}, materials: {} });
    setState(initialState(target));
  };

  if (submitted) return <Submitted submitted={submitted} onAgain={again} />;
  if (target.caseNo && draft.loading && !draft.data) return <LoadingView rows={3} blocks={2} />;
  if (target.caseNo && draft.error) return <ErrorView error={draft.error} onRetry={draft.reload} />;
  if (target.caseNo && draft.data && !draft.data.actions.includes('submit')) return <NotADraft detail={draft.data} />;

  const setValue = (fieldKey: string, value: FieldValue) => {
    setState((s) => ({ ...s, values: { ...s.values, [fieldKey]: value } }));
    if (errors.fields[fieldKey]) setErrors((e) => ({ ...e, fields: omit(e.fields, fieldKey) }));
  };
  const blur = (fieldKey: string) => {
    const field = target.fields.find((f) => f.key === fieldKey);
    const value = state.values[fieldKey];
    if (!field || value === undefined || value === '') return;
    const problem = checkField(field, value);
    setErrors((e) => ({ ...e, fields: problem ? { ...e.fields, [fieldKey]: problem } : omit(e.fields, fieldKey) }));
  };
  const updateMaterial = (name: string) => (change: (e: MaterialEntry) => MaterialEntry) => {
    setState((s) => ({ ...s, materials: { ...s.materials, [name]: change(s.materials[name] ?? emptyEntry()) } }));
    setErrors((e) => (e.materials[name] ? { ...e, materials: omit(e.materials, name) } : e));
  };

  const next = () => {
    setBanner(undefined);
    const prepared = prepareSubmission(target, state);
    if (!prepared.ok) {
      setErrors(prepared.errors);
      scrollToFirst(prepared.errors, target);
      return;
    }
    setErrors({ fields: {}, materials: {} });
    const session = applyStore.save(target, state, fee);
    sessionRef.current = session;
    void Taro.navigateTo({ url: applyRoutes.review(session.key) });
  };

  const count = errorCount(errors);
  const required = target.materials.filter((m) => m.required).length;

  return (
    <View className='ov-apply-body'>
      {target.visitsRequired > 0 ? (
        <View className='ov-apply-block'>
          <InlineNotice id='apply-visit-note'>
            本事项网上提交申请后，仍需本人到现场办理 {target.visitsRequired} 次（如采集人像、指纹或交验原件），请留意办理进度通知。
          </InlineNotice>
        </View>
      ) : null}
      {banner ? (
        <View className='ov-apply-block'>
          <InlineError id='apply-server-error'>{banner}</InlineError>
        </View>
      ) : null}
      {draft.data && draft.data.materials.length ? (
        <View className='ov-apply-block'>
          <InlineNotice>草稿中已保存的 {draft.data.materials.length} 份材料需要重新上传后提交。</InlineNotice>
        </View>
      ) : null}

      <Section title='填写申请信息' className='apply-section-form' extra={`共 ${target.fields.length} 项`}>
        {target.fields.length === 0 ? <Text className='ov-muted ov-apply-muted'>本事项无需填写表单</Text> : null}
        {target.fields.map((field) => (
          <FieldRow
            key={field.key}
            className={`apply-field apply-field-${field.key} apply-field--${field.type}`}
            label={field.label}
            required={field.required}
            help={field.help}
            error={errors.fields[field.key]}
            errorId={`apply-error-${field.key}`}
            boxless={isBoxless(field)}
            hideLabel={field.type === 'boolean'}
          >
            <FieldControl field={field} value={state.values[field.key]} onChange={(v) => setValue(field.key, v)} onBlur={() => blur(field.key)} />
          </FieldRow>
        ))}
      </Section>

      <Section title='上传申请材料' className='apply-section-materials' extra={`共 ${target.materials.length} 项，必交 ${required} 项`}>
        <Text className='ov-apply-section-note'>
          请拍摄或选择清晰完整的原件照片；标有“容缺受理”的材料可先选择“稍后补交”，受理后在承诺日期前补交。
        </Text>
        {target.materials.map((spec, i) => (
          <MaterialUploader
            key={spec.name}
            index={i}
            spec={spec}
            entry={state.materials[spec.name] ?? emptyEntry()}
            update={updateMaterial(spec.name)}
            error={errors.materials[spec.name]}
            {...(canDeclareLater(target, spec) ? { later: range } : {})}
          />
        ))}
      </Section>

      <Section title='领取方式' className='apply-section-delivery'>
        <Chips<DeliveryOption>
          options={target.deliveryOptions.map((d) => ({ value: d, label: DELIVERY_OPTION_NAMES[d] }))}
          value={state.delivery}
          onChange={(delivery) => {
            setState((s) => ({ ...s, delivery }));
            setErrors((e) => ({ ...e, delivery: undefined }));
          }}
          prefix='apply-delivery'
        />
        <InlineError id='apply-error-delivery'>{errors.delivery}</InlineError>
      </Section>

      {target.greenChannel ? (
        <Section title='绿色通道' className='apply-section-green'>
          <Toggle
            id='apply-green-channel'
            className='apply-green-channel'
            on={state.greenChannel}
            onChange={(greenChannel) => setState((s) => ({ ...s, greenChannel }))}
            title={`申请${target.greenChannel.name}`}
            description={`${target.greenChannel.limitHours} 小时内办结`}
            onText='申请'
            offText='不申请'
          />
          <Text className='ov-apply-green-text apply-green-eligibility'>适用对象：{target.greenChannel.eligibility}</Text>
          <Text className='ov-apply-green-text'>{target.greenChannel.description}</Text>
          <Text className='ov-apply-green-text ov-apply-muted'>是否符合条件由工作人员核验；不符合的按正常时限办理。</Text>
        </Section>
      ) : null}

      {fee && fee.amountFen > 0 ? (
        <View className='ov-apply-block'>
          <InlineNotice id='apply-fee'>
            本事项收费 {feeLabel(fee.amountFen)}（{FEE_DUE_NAMES[fee.due]}）。
          </InlineNotice>
        </View>
      ) : null}

      <View className='ov-apply-actions'>
        {count > 0 ? <InlineError id='apply-error-count'>还有 {count} 处需要填写或修改，请查看标红的项目</InlineError> : null}
        <InlineError id='apply-error-form'>{errors.form}</InlineError>
        <Button id='apply-next' className='apply-next' type='primary' size='large' block onClick={next}>
          下一步：核对信息
        </Button>
      </View>
    </View>
  );
}

function omit<T extends Record<string, unknown>>(obj: T, key: string): T {
  const { [key]: _gone, ...rest } = obj;
  return rest as T;
}

/** Scrolls to the first thing to fix. */
function scrollToFirst(errors: ApplicationErrors, target?: ApplyTarget) {
  let selector: string | undefined;
  const fieldKey = target ? target.fields.find((f) => errors.fields[f.key])?.key : Object.keys(errors.fields)[0];
  if (fieldKey) selector = `.apply-field-${fieldKey}`;
  else if (Object.keys(errors.materials).length) {
    const index = target ? target.materials.findIndex((m) => errors.materials[m.name]) : 0;
    selector = index >= 0 ? `.apply-upload-${index}` : '.apply-section-materials';
  } else if (errors.delivery) selector = '.apply-section-delivery';
  if (!selector) return;
  setTimeout(() => {
    Taro.pageScrollTo({ selector, duration: 200, offsetTop: -16 } as Taro.pageScrollTo.Option).catch(() => undefined);
  }, 50);
}

/** The application was submitted from this form: show it, never submit twice. */
function Submitted({ submitted, onAgain }: { submitted: { caseNo?: string; bundleCaseNo?: string }; onAgain: () => void }) {
  const open = () => {
    if (submitted.bundleCaseNo) void Taro.navigateTo({ url: caseRoutes.bundle(submitted.bundleCaseNo) });
    else if (submitted.caseNo) void Taro.navigateTo({ url: caseRoutes.detail(submitted.caseNo) });
  };
  return (
    <Section title='申请已提交' className='apply-submitted'>
      <Text className='ov-apply-gate-text'>本次申请已提交，办件编号 {submitted.bundleCaseNo ?? submitted.caseNo}。</Text>
      <View className='ov-apply-actions'>
        <Button className='apply-submitted-open' type='primary' size='large' block onClick={open}>
          查看办理进度
        </Button>
        <Button className='apply-again' type='default' size='large' block onClick={onAgain}>
          再填写一份新的申请
        </Button>
      </View>
    </Section>
  );
}

function NotADraft({ detail }: { detail: ApplicationDetail }) {
  return (
    <Section title='该办件已提交' className='apply-not-draft'>
      <Text className='ov-apply-gate-text'>办件 {detail.caseNo} 已不是草稿，无需再次提交。</Text>
      <View className='ov-apply-actions'>
        <Button type='primary' size='large' block onClick={() => Taro.redirectTo({ url: caseRoutes.detail(detail.caseNo) })}>
          查看办件详情
        </Button>
      </View>
    </Section>
  );
}
