import { useRef, useState } from 'react';
import Taro, { useRouter } from '@tarojs/taro';
import { Text, View } from '@tarojs/components';
import { DELIVERY_OPTION_NAMES, FEE_DUE_NAMES, IDENTITY_LEVEL_NAMES, type Eligibility, type FormIssue } from '@onevisit/shared-types/client';
import { applications, isApiError, isNetworkError } from '../../../api';
import { eligibilityFromDetails } from '../../../api/identity';
import { formRows, issuesByField } from '../../../applications/formValues';
import { fingerprintOf } from '../../../applications/idempotency';
import { Thumb } from '../../../applications/MaterialUploader';
import { fileKind } from '../../../applications/files';
import { prepareSubmission, type ApplicationErrors, type Submission } from '../../../applications/submission';
import { InlineApiError, InlineError, InlineNotice } from '../../../components/Inline';
import { Button } from '../../../components/nutui';
import { Page } from '../../../components/Page';
import { Section } from '../../../components/Section';
import { EmptyView } from '../../../components/StateView';
import { STEP_ACTIONS } from '../../../utils/identity';
import { goToStep } from '../../../utils/navigation';
import { feeLabel, routeParam } from '../../../utils/format';
import { applyRoutes } from '../../../utils/routes';
import { applyStore, type ApplySession } from '../store';
import '../apply.scss';

/** The form page of a store key (`item:…`, `bundle:…`, `case:…`), to start again from. */
function formUrlOf(key: string, session?: ApplySession): string | undefined {
  if (session?.target.caseNo) return applyRoutes.draftForm(session.target.code, session.target.caseNo);
  const [kind, code] = [key.slice(0, key.indexOf(':')), key.slice(key.indexOf(':') + 1)];
  if (!code) return undefined;
  if (kind === 'item') return applyRoutes.itemForm(code);
  if (kind === 'bundle') return applyRoutes.bundleForm(code);
  return undefined;
}

/**
 * 核对信息: everything about to be sent, read-only, identity and phone numbers masked; then 确认提交.
 * A double tap, a retry after a timeout or a lost answer sends the same idempotency key, so the
 * BFF answers with the case it already made instead of making a second one.
 */
export default function ReviewPage() {
  const key = routeParam(useRouter().params.target);
  const session = applyStore.get(key);
  if (!session) {
    const form = formUrlOf(key);
    return (
      <Page className='ov-apply ov-apply-review'>
        <EmptyView title='填写内容已失效' description='为保护您的个人信息，申请内容只保存在本次填写中，请重新填写。' />
        {form ? (
          <View className='ov-apply-actions'>
            <Button className='review-restart' type='primary' size='large' block onClick={() => Taro.redirectTo({ url: form })}>
              重新填写
            </Button>
          </View>
        ) : null}
      </Page>
    );
  }
  return <Review session={session} />;
}

function Review({ session }: { session: ApplySession }) {
  const { target, state, fee } = session;
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  const [stepNeeded, setStepNeeded] = useState<Eligibility>();
  const [notice, setNotice] = useState<string>();
  const sending = useRef(false);
  const prepared = prepareSubmission(target, state);
  const here = applyRoutes.review(session.key);

  if (!prepared.ok) {
    // the form lets nobody here with problems; a date that passed midnight can
    return (
      <Page className='ov-apply ov-apply-review'>
        <EmptyView title='申请信息需要修改' description='部分内容已不符合要求（如承诺补交日期），请返回修改。' />
        <View className='ov-apply-actions'>
          <Button className='review-back' type='primary' size='large' block onClick={() => back(session, prepared.errors)}>
            返回修改
          </Button>
        </View>
      </Page>
    );
  }
  const { submission, formData } = prepared;

  const submit = async () => {
    if (sending.current) return;
    sending.current = true;
    setBusy(true);
    setError(undefined);
    setStepNeeded(undefined);
    setNotice(undefined);
    const idempotencyKey = session.keeper.keyFor(fingerprintOf(submission));
    try {
      const done = await send(submission, idempotencyKey);
      session.submitted = done;
      session.keeper.reset();
      void Taro.redirectTo({ url: applyRoutes.result(done) });
    } catch (err) {
      handleFailure(err);
    } finally {
      sending.current = false;
      setBusy(false);
    }
  };

  const handleFailure = (err: unknown) => {
    if (isApiError(err)) {
      if (err.code === 'IDENTITY_LEVEL_REQUIRED') {
        const e = eligibilityFromDetails(target.gateItemCode, err.details);
        if (e) {
          setStepNeeded(e);
          return;
        }
      }
      if (err.code === 'UNAUTHENTICATED' || err.code === 'SESSION_INVALID' || err.code === 'REFRESH_TOKEN_INVALID') {
        setStepNeeded({ itemCode: target.gateItemCode, required: target.identityLevel, current: 'L1', eligible: false, nextStep: 'login' });
        return;
      }
      const back = formErrorsOf(err.code, err.details, err.message, session);
      if (back) {
        backToForm(session, back);
        return;
      }
      if (err.code === 'IDEMPOTENCY_KEY_REUSED') session.keeper.reset();
    }
    if (isNetworkError(err)) setNotice('网络不稳定，暂未确认是否提交成功。请点击“确认提交”重试，不会重复提交。');
    setError(err);
  };

  const rows = formRows(target.fields, formData);
  return (
    <Page className='ov-apply ov-apply-review'>
      <View className='ov-hero ov-apply-head'>
        <Text className='ov-hero-title'>{target.name}</Text>
        <Text className='ov-hero-subtitle'>请核对以下信息，确认无误后提交</Text>
      </View>

      <Section title='申请信息' className='review-section-form'>
        {rows.length === 0 ? <Text className='ov-muted ov-apply-muted'>无需填写表单</Text> : null}
        {rows.map((r) => (
          <View key={r.key} className={`ov-info-row review-field review-field-${r.key}`}>
            <Text className='ov-info-label'>{r.label}</Text>
            <Text className='ov-info-value review-value'>{r.value}</Text>
          </View>
        ))}
      </Section>

      <Section title='申请材料' className='review-section-materials'>
        {target.materials.map((spec, i) => {
          const entry = state.materials[spec.name];
          const files = entry?.files ?? [];
          const later = !!entry?.later && files.length === 0;
          return (
            <View key={spec.name} className={`ov-apply-review-material review-material review-material-${i}`}>
              <Text className='ov-material-name'>{spec.name}</Text>
              {files.length ? (
                <View className='ov-apply-files'>
                  {files.map((f) => (
                    <View key={f.id} className='ov-apply-file ov-apply-file--readonly'>
                      <Thumb kind={fileKind(f)} path={f.localPath} />
                      <View className='ov-apply-file-body'>
                        <Text className='ov-apply-file-name'>{f.fileName}</Text>
                      </View>
                    </View>
                  ))}
                </View>
              ) : later ? (
                <Text className='ov-apply-review-later review-material-later'>稍后补交（承诺 {entry!.promisedBy} 前补交）</Text>
              ) : (
                <Text className='ov-muted ov-apply-muted'>未提交（选交材料）</Text>
              )}
            </View>
          );
        })}
      </Section>

      <Section title='办理方式' className='review-section-options'>
        <View className='ov-info-row review-delivery'>
          <Text className='ov-info-label'>领取方式</Text>
          <Text className='ov-info-value'>{DELIVERY_OPTION_NAMES[state.delivery!]}</Text>
        </View>
        {target.greenChannel ? (
          <View className='ov-info-row review-green-channel'>
            <Text className='ov-info-label'>{target.greenChannel.name}</Text>
            <Text className='ov-info-value'>{state.greenChannel ? '申请' : '不申请'}</Text>
          </View>
        ) : null}
        {fee && fee.amountFen > 0 ? (
          <View className='ov-info-row review-fee'>
            <Text className='ov-info-label'>费用</Text>
            <Text className='ov-info-value'>
              {feeLabel(fee.amountFen)}（{FEE_DUE_NAMES[fee.due]}）
            </Text>
          </View>
        ) : null}
        {target.visitsRequired > 0 ? <InlineNotice>提交后仍需本人到现场办理 {target.visitsRequired} 次，请留意办理进度通知。</InlineNotice> : null}
      </Section>

      <View className='ov-apply-actions'>
        <Text className='ov-apply-promise'>点击“确认提交”，即表示本人承诺所填信息和所交材料真实、有效，如有虚假愿承担相应法律责任。</Text>
        {stepNeeded ? (
          <View className='ov-apply-step review-identity'>
            <InlineError>
              {stepNeeded.nextStep === 'login'
                ? '登录已失效，请重新登录后提交（已填写的内容会保留）'
                : `本事项${IDENTITY_LEVEL_NAMES[stepNeeded.required]}，您当前的认证等级为 ${stepNeeded.current}`}
            </InlineError>
            {stepNeeded.nextStep ? (
              <Button className='review-identity-step' type='primary' fill='outline' size='large' block onClick={() => goToStep(stepNeeded.nextStep!, here)}>
                {STEP_ACTIONS[stepNeeded.nextStep]}
              </Button>
            ) : null}
          </View>
        ) : null}
        <InlineNotice id='review-notice'>{notice}</InlineNotice>
        <InlineApiError error={error} id='review-error' />
        <Button id='apply-submit' className='apply-submit' type='primary' size='large' block loading={busy} disabled={busy} onClick={submit}>
          {busy ? '正在提交…' : '确认提交'}
        </Button>
        <Button id='review-back' className='review-back' type='default' size='large' block disabled={busy} onClick={() => Taro.navigateBack()}>
          返回修改
        </Button>
      </View>
    </Page>
  );
}

async function send(submission: Submission, idempotencyKey: string): Promise<{ caseNo?: string; bundleCaseNo?: string }> {
  if (submission.kind === 'bundle') {
    const res = await applications.createBundle({ ...submission.body, idempotencyKey });
    return { bundleCaseNo: res.bundleCaseNo };
  }
  if (submission.kind === 'draft') {
    const res = await applications.submitDraft(submission.caseNo, submission.body);
    return { caseNo: res.caseNo };
  }
  const res = await applications.create({ ...submission.body, idempotencyKey });
  return { caseNo: res.caseNo };
}

const names = (details: unknown, key: string): string[] => {
  const list = details && typeof details === 'object' ? (details as Record<string, unknown>)[key] : undefined;
  return Array.isArray(list) ? list.filter((x): x is string => typeof x === 'string') : [];
};

/** A refusal the citizen fixes on the form: the errors to show there, or undefined. */
function formErrorsOf(code: string, details: unknown, message: string, session: ApplySession): (ApplicationErrors & { message?: string }) | undefined {
  const errors: ApplicationErrors & { message?: string } = { fields: {}, materials: {} };
  switch (code) {
    case 'FORM_INVALID': {
      const issues = (details && typeof details === 'object' ? (details as { issues?: unknown }).issues : undefined) as FormIssue[] | undefined;
      const byField = issuesByField(Array.isArray(issues) ? issues.filter((i) => i && typeof i.field === 'string' && typeof i.message === 'string') : []);
      const { _form: whole, ...fields } = byField;
      errors.fields = fields;
      errors.message = whole ?? '申请表有填写不正确的地方，请按标红的提示修改';
      return errors;
    }
    case 'MATERIAL_MISSING':
      for (const n of names(details, 'materials')) errors.materials[n] = `请上传“${n}”`;
      errors.message = message || '还有必须提交的材料未上传';
      return errors;
    case 'MATERIAL_NOT_LATE_ALLOWED':
      for (const n of names(details, 'materials')) errors.materials[n] = '该材料不能稍后补交，请现在上传';
      errors.message = '有材料不支持容缺后补，请现在上传';
      return errors;
    case 'MATERIAL_UNKNOWN':
      errors.message = '材料清单已更新，请重新进入本页填写';
      return errors;
    case 'UPLOAD_NOT_FOUND': {
      const lost = new Set(names(details, 'uploadIds'));
      for (const [name, entry] of Object.entries(session.state.materials)) {
        if (entry.files.some((f) => lost.has(f.uploadId))) errors.materials[name] = '有文件已失效，请删除后重新上传';
      }
      errors.message = '有上传的文件已失效，请重新上传';
      return errors;
    }
    case 'DELIVERY_OPTION_UNAVAILABLE':
      errors.delivery = '本事项不支持所选的领取方式，请重新选择';
      errors.message = errors.delivery;
      return errors;
    case 'GREEN_CHANNEL_UNAVAILABLE':
      errors.message = '本事项暂不提供绿色通道，请关闭“绿色通道”后提交';
      return errors;
    case 'VALIDATION_FAILED':
      if (/promisedBy/.test(JSON.stringify(details ?? ''))) {
        errors.message = message || '承诺补交日期不正确，请重新选择';
        return errors;
      }
      return undefined;
    default:
      return undefined;
  }
}

function backToForm(session: ApplySession, errors: ApplicationErrors & { message?: string }) {
  session.serverErrors = errors;
  void Taro.navigateBack();
}

function back(session: ApplySession, errors: ApplicationErrors) {
  backToForm(session, { ...errors, message: '部分内容需要修改，请按标红的提示修改' });
}
