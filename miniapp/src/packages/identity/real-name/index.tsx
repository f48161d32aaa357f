import { useState } from 'react';
import { useRouter } from '@tarojs/taro';
import { Input, Text, View } from '@tarojs/components';
import { levelAtLeast, type Me } from '@onevisit/shared-types/client';
import { fieldErrors, identity, isApiError } from '../../../api';
import { InlineApiError, InlineError } from '../../../components/Inline';
import { LevelBadge } from '../../../components/LevelBadge';
import { Button } from '../../../components/nutui';
import { Page } from '../../../components/Page';
import { useSession } from '../../../hooks/useSession';
import { routeParam } from '../../../utils/format';
import { normaliseRealName, validateRealName, type RealNameErrors } from '../../../utils/identity';
import { currentPageUrl, goToStep, returnTo } from '../../../utils/navigation';
import { Field, InfoRow, StepCard } from '../components/Form';

/** L2: name and resident ID number, checked against the household registration by the BFF. */
export default function RealNamePage() {
  const redirect = routeParam(useRouter().params.redirect) || undefined;
  const current = useSession();
  const [verified, setVerified] = useState<Me>();
  const done = () => returnTo(redirect);

  let body;
  if (verified) body = <Verified me={verified} title='实名认证成功' onDone={done} />;
  else if (!current) body = <NeedLogin />;
  else if (levelAtLeast(current.me.level, 'L2')) body = <Verified me={current.me} title='您已完成实名认证' onDone={done} />;
  else body = <RealNameForm onVerified={setVerified} />;

  return <Page className='ov-identity ov-real-name'>{body}</Page>;
}

function NeedLogin() {
  return (
    <StepCard title='请先登录' description='实名认证需要先登录。登录后将回到本页继续。'>
      <View className='ov-actions'>
        <Button id='realname-login' type='primary' size='large' onClick={() => goToStep('login', currentPageUrl())}>
          去登录
        </Button>
      </View>
    </StepCard>
  );
}

function Verified({ me, title, onDone }: { me: Me; title: string; onDone: () => void }) {
  return (
    <StepCard title={title} className='ov-realname-result'>
      <View className='ov-result'>
        <Text className='ov-result-icon ov-result-icon--success'>✓</Text>
        <LevelBadge level={me.level} />
      </View>
      <InfoRow label='姓名' value={me.name ?? '—'} id='realname-masked-name' />
      <InfoRow label='身份证号' value={me.idNumber ?? '—'} id='realname-masked-id' />
      <View className='ov-actions'>
        <Button id='realname-done' type='primary' size='large' onClick={onDone}>
          完成
        </Button>
      </View>
    </StepCard>
  );
}

function RealNameForm({ onVerified }: { onVerified: (me: Me) => void }) {
  const [name, setName] = useState('');
  const [idNumber, setIdNumber] = useState('');
  const [errors, setErrors] = useState<RealNameErrors>({});
  const [formError, setFormError] = useState<string>();
  const [error, setError] = useState<unknown>(undefined);
  const [busy, setBusy] = useState(false);

  const submit = async () => {
    if (busy) return;
    const found = validateRealName({ name, idNumber });
    setErrors(found);
    setFormError(undefined);
    setError(undefined);
    if (found.name || found.idNumber) return;
    setBusy(true);
    try {
      const me = await identity.realName(normaliseRealName({ name, idNumber }));
      // the full number leaves memory: only the masked one is shown from here on
      setIdNumber('');
      onVerified(me);
    } catch (err) {
      if (isApiError(err) && err.code === 'REAL_NAME_MISMATCH') setFormError('姓名与身份证号码不一致，请核对后重新输入');
      else if (isApiError(err) && err.code === 'ID_NUMBER_BOUND_ELSEWHERE') setErrors({ idNumber: '该身份证号码已绑定其他账号，如有疑问请拨打 12345 咨询' });
      else {
        const fields = fieldErrors(err);
        if (fields.name || fields.idNumber) setErrors({ name: fields.name && '姓名格式不正确', idNumber: fields.idNumber && '身份证号码有误，请核对' });
        else setError(err);
      }
    } finally {
      setBusy(false);
    }
  };

  return (
    <StepCard title='实名认证' description='请填写本人身份证上的姓名和号码，将与公安人口信息核验。信息加密保存，仅用于政务服务身份核验。'>
      <Field label='姓名' error={errors.name} errorId='realname-name-error'>
        <Input
          id='realname-name'
          className='ov-input'
          type='text'
          maxlength={30}
          placeholder='与身份证一致'
          value={name}
          onInput={(e) => setName(e.detail.value)}
        />
      </Field>
      <Field label='身份证号' error={errors.idNumber} errorId='realname-id-error' hint='18 位，末位 X 不区分大小写'>
        <Input
          id='realname-id'
          className='ov-input'
          type='idcard'
          maxlength={18}
          placeholder='请输入 18 位身份证号码'
          value={idNumber}
          onInput={(e) => setIdNumber(e.detail.value)}
          onConfirm={submit}
        />
      </Field>
      <InlineError id='realname-error'>{formError}</InlineError>
      <InlineApiError error={error} id='realname-api-error' />
      <View className='ov-actions'>
        <Button id='realname-submit' type='primary' size='large' loading={busy} onClick={submit}>
          提交认证
        </Button>
      </View>
    </StepCard>
  );
}
