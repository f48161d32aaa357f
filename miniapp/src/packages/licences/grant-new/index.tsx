import { useRef, useState } from 'react';
import { Text, Textarea, View } from '@tarojs/components';
import { RELYING_PARTY_TYPES, type LicenceDetail } from '@onevisit/shared-types/client';
import { fieldErrors, isApiError, licences } from '../../../api';
import { Chips, FieldRow } from '../../../applications/controls';
import { IdempotencyKeeper } from '../../../applications/idempotency';
import { InlineApiError, InlineError } from '../../../components/Inline';
import { Button } from '../../../components/nutui';
import { Page } from '../../../components/Page';
import { Section } from '../../../components/Section';
import { EmptyView, ErrorView, LoadingView } from '../../../components/StateView';
import { useNotice } from '../../../hooks/useNotice';
import { useRequest } from '../../../hooks/useRequest';
import { licenceErrorView } from '../../../licences/errors';
import {
  emptyGrantDraft,
  GRANT_DAY_CHOICES,
  GRANT_PURPOSE_MAX,
  grantFingerprint,
  hasGrantErrors,
  toGrantRequest,
  validateGrant,
  type GrantDraft,
  type GrantErrors,
  type Grantee,
} from '../../../licences/grants';
import { toggleField, typeFields } from '../../../licences/purposes';
import { isPresentable } from '../../../licences/view';
import { returnTo } from '../../../utils/navigation';
import { licenceRoutes } from '../../../utils/routes';
import { FieldChecks } from '../components/FieldChecks';
import { LicenceLoadError, LicencePage } from '../components/Gate';
import '../../../applications/applications.scss';
import '../licences.scss';

/** 新增授权: a partner, the purpose, the licence's fields to share, and for how many days. */
export default function GrantNewPage() {
  return (
    <LicencePage loginTitle='登录后授权使用证照' back={licenceRoutes.grantNew} missingHint='请在证照详情中点击“授权”'>
      {(licenceId, userId) => <GrantLoader licenceId={licenceId} userId={userId} />}
    </LicencePage>
  );
}

function GrantLoader({ licenceId, userId }: { licenceId: string; userId: string }) {
  const back = licenceRoutes.grantNew(licenceId);
  const detail = useRequest(() => licences.get(licenceId), [licenceId, userId]);
  const grantees = useRequest(() => licences.grantees(), [userId]);

  if ((detail.loading && !detail.data) || (grantees.loading && !grantees.data)) return <Page className='ov-licences'><LoadingView rows={4} blocks={3} /></Page>;
  if (!detail.data) {
    return <Page className='ov-licences'>{detail.error ? <LicenceLoadError error={detail.error} onRetry={detail.reload} back={back} /> : <EmptyView title='暂无该证照的信息' />}</Page>;
  }
  if (!grantees.data) {
    return (
      <Page className='ov-licences'>
        {grantees.error ? <LicenceLoadError error={grantees.error} onRetry={grantees.reload} back={back} /> : <ErrorView error={undefined} onRetry={grantees.reload} />}
      </Page>
    );
  }
  if (!isPresentable(detail.data.status)) {
    return (
      <Page className='ov-licences'>
        <View className='ov-licences-block'>
          <InlineError id='grant-not-allowed'>该证照{detail.data.statusName}，不能授权他人使用。</InlineError>
        </View>
      </Page>
    );
  }
  return <GrantForm d={detail.data} grantees={grantees.data.partners} reloadGrantees={grantees.reload} />;
}

function GrantForm({ d, grantees, reloadGrantees }: { d: LicenceDetail; grantees: Grantee[]; reloadGrantees: () => void }) {
  const [draft, setDraft] = useState<GrantDraft>(emptyGrantDraft);
  const [errors, setErrors] = useState<GrantErrors>({});
  const [checked, setChecked] = useState(false);
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const sending = useRef(false);
  const keeper = useRef(new IdempotencyKeeper());
  const { show } = useNotice();

  const update = (patch: Partial<GrantDraft>) => {
    const next = { ...draft, ...patch };
    setDraft(next);
    if (checked) setErrors(validateGrant(next, d.type, grantees));
  };

  const submit = async () => {
    if (sending.current) return;
    setChecked(true);
    const found = validateGrant(draft, d.type, grantees);
    setErrors(found);
    if (hasGrantErrors(found)) return;
    sending.current = true;
    setBusy(true);
    setError(undefined);
    try {
      const key = keeper.current.keyFor(grantFingerprint(draft, d.licenceId));
      await licences.createGrant(toGrantRequest(draft, d.type, d.licenceId, key));
      keeper.current.reset();
      show('授权成功');
      returnTo(licenceRoutes.grants(d.licenceId), licenceRoutes.grants(d.licenceId));
    } catch (err) {
      const byField = fieldErrors(err);
      if (Object.keys(byField).length) setErrors((cur) => ({ ...cur, ...pick(byField) }));
      if (isApiError(err) && err.code === 'GRANTEE_UNKNOWN') reloadGrantees();
      if (isApiError(err) && err.code === 'IDEMPOTENCY_KEY_REUSED') keeper.current.reset();
      setError(err);
    } finally {
      sending.current = false;
      setBusy(false);
    }
  };

  const partnerOptions = grantees.map((g) => ({ value: g.appId, label: g.relyingPartyType ? `${g.name}（${RELYING_PARTY_TYPES[g.relyingPartyType]}）` : g.name }));

  return (
    <Page className='ov-licences ov-licence-grant-form'>
      <View className='ov-hero ov-licences-head'>
        <Text className='ov-hero-title'>授权使用{d.typeName}</Text>
        <Text className='ov-hero-subtitle'>{d.number}</Text>
      </View>

      <Section title='授权内容' className='grant-form'>
        <FieldRow label='被授权机构' required boxless error={errors.appId} errorId='grant-error-appId' className='grant-field-partner'>
          {partnerOptions.length ? (
            <Chips options={partnerOptions} value={draft.appId} onChange={(appId) => update({ appId })} prefix='grant-partner' />
          ) : (
            <Text className='ov-licence-hint'>暂无可授权的机构</Text>
          )}
        </FieldRow>
        <FieldRow label='授权用途' required boxless error={errors.purpose} errorId='grant-error-purpose' help='如：开立个人银行结算账户' className='grant-field-purpose'>
          <Textarea
            className='ov-apply-textarea grant-purpose'
            value={draft.purpose}
            maxlength={GRANT_PURPOSE_MAX}
            autoHeight
            placeholder='请填写授权用途（2–100 字）'
            onInput={(e) => update({ purpose: e.detail.value })}
          />
        </FieldRow>
        <FieldRow label='授权的信息' required boxless error={errors.fields} errorId='grant-error-fields' className='grant-field-fields'>
          <FieldChecks fields={typeFields(d.type)} chosen={draft.fields} prefix='grant-field' onToggle={(f) => update({ fields: toggleField(d.type, draft.fields, f) })} />
        </FieldRow>
        <FieldRow label='授权期限' required boxless error={errors.days} errorId='grant-error-days' className='grant-field-days'>
          <Chips
            options={GRANT_DAY_CHOICES.map((n) => ({ value: String(n), label: `${n} 天` }))}
            value={draft.days === undefined ? undefined : String(draft.days)}
            onChange={(v) => update({ days: Number(v) })}
            prefix='grant-days'
          />
        </FieldRow>
        <Text className='ov-licence-hint'>授权后，该机构可在期限内读取以上信息，每次读取都会记入使用记录；您可随时撤销授权。</Text>
      </Section>

      <View className='ov-licences-block'>
        {error ? (
          <>
            <InlineError id='grant-submit-error'>{licenceErrorView(error).message}</InlineError>
            {!isApiError(error) || error.status >= 500 ? <InlineApiError error={error} /> : null}
          </>
        ) : null}
      </View>
      <View className='ov-licences-actions'>
        <Button id='grant-submit' className='grant-submit' type='primary' size='large' block loading={busy} disabled={busy} onClick={submit}>
          确认授权
        </Button>
      </View>
    </Page>
  );
}

/** Field errors of a 400 for the form's own fields. */
function pick(byField: Record<string, string>): GrantErrors {
  const out: GrantErrors = {};
  for (const k of ['appId', 'purpose', 'fields', 'days'] as const) if (byField[k]) out[k] = byField[k];
  return out;
}
