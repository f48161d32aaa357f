import { useEffect, useRef, useState } from 'react';
import Taro, { useRouter } from '@tarojs/taro';
import { Input, Text, View } from '@tarojs/components';
import { HOME_PROVINCE, PROVINCES, regionByCode, regionPath, citiesOf, formatRegion, type Address, type Region } from '@onevisit/shared-types/client';
import { delivery, fieldErrors, isApiError } from '../../../api';
import { fingerprintOf, IdempotencyKeeper } from '../../../applications/idempotency';
import { FieldRow, Toggle } from '../../../applications/controls';
import { InlineApiError, InlineError } from '../../../components/Inline';
import { Button } from '../../../components/nutui';
import { Page } from '../../../components/Page';
import { EmptyView, ErrorView, LoadingView } from '../../../components/StateView';
import {
  ADDRESS_FIELDS,
  ADDRESS_LIMITS,
  draftFromAddress,
  emptyDraft,
  hasCityTable,
  hasErrors,
  provinceChoices,
  toSaveRequest,
  validateAddress,
  withCity,
  withProvince,
  type AddressDraft,
  type AddressErrors,
} from '../../../delivery/address';
import { useNotice } from '../../../hooks/useNotice';
import { useRequest } from '../../../hooks/useRequest';
import { useSession } from '../../../hooks/useSession';
import { routeParam } from '../../../utils/format';
import { currentPageUrl, goToStep } from '../../../utils/navigation';
import { addressRoutes } from '../../../utils/routes';
import '../addresses.scss';

/** Add (no `addressId`) or edit an address of the book. `default=1` pre-ticks 设为默认地址. */
export default function AddressEditPage() {
  const params = useRouter().params;
  const addressId = routeParam(params.addressId);
  const makeDefault = params.default === '1';
  const current = useSession();
  // the book: the address to edit (there is no single-address read), and whether this is the first
  const book = useRequest(() => delivery.addresses(), [current?.me.userId], !!current);

  useEffect(() => {
    void Taro.setNavigationBarTitle({ title: addressId ? '编辑收货地址' : '新增收货地址' });
  }, [addressId]);

  if (!current) {
    return (
      <Page className='ov-addresses'>
        <EmptyView title='登录后管理收货地址' />
        <View className='ov-addresses-actions'>
          <Button id='address-login' type='primary' size='large' block onClick={() => goToStep('login', currentPageUrl())}>
            去登录
          </Button>
        </View>
      </Page>
    );
  }
  if (book.loading && !book.data) return <Page className='ov-addresses'><LoadingView rows={4} blocks={2} /></Page>;
  if (book.error && !book.data) return <Page className='ov-addresses'><ErrorView error={book.error} onRetry={book.reload} /></Page>;
  const items = book.data?.items ?? [];
  const editing = addressId ? items.find((a) => a.addressId === addressId) : undefined;
  if (addressId && !editing) return <Page className='ov-addresses'><EmptyView title='该地址不存在或已删除' /></Page>;
  return <AddressForm key={addressId || 'new'} editing={editing} first={!items.length} makeDefault={makeDefault} />;
}

function AddressForm({ editing, first, makeDefault }: { editing?: Address; first: boolean; makeDefault: boolean }) {
  const [draft, setDraft] = useState<AddressDraft>(() => {
    const d = editing ? draftFromAddress(editing) : emptyDraft();
    return { ...d, isDefault: d.isDefault || first || makeDefault };
  });
  const [errors, setErrors] = useState<AddressErrors>({});
  const [checked, setChecked] = useState(false);
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const sending = useRef(false);
  const keeper = useRef(new IdempotencyKeeper());
  const { show } = useNotice();

  const update = (next: AddressDraft) => {
    setDraft(next);
    // once the citizen tried to save, the problems follow the typing
    if (checked) setErrors(validateAddress(next));
  };
  const set = <K extends keyof AddressDraft>(key: K, value: AddressDraft[K]) => update({ ...draft, [key]: value });

  const save = async () => {
    if (sending.current) return;
    const found = validateAddress(draft);
    setChecked(true);
    setErrors(found);
    setError(undefined);
    if (hasErrors(found)) return;
    const body = toSaveRequest(draft);
    sending.current = true;
    setBusy(true);
    try {
      if (editing) await delivery.updateAddress(editing.addressId, body);
      else await delivery.createAddress({ ...body, idempotencyKey: keeper.current.keyFor(fingerprintOf(body)) });
      keeper.current.reset();
      show('地址已保存');
      leave();
    } catch (err) {
      const fields = fieldErrors(err);
      const mine: AddressErrors = {};
      for (const f of ADDRESS_FIELDS) if (fields[f]) mine[f] = fields[f];
      if (hasErrors(mine)) setErrors(mine);
      else setError(err);
      if (isApiError(err) && err.code === 'IDEMPOTENCY_KEY_REUSED') keeper.current.reset();
    } finally {
      sending.current = false;
      setBusy(false);
    }
  };

  const count = ADDRESS_FIELDS.filter((f) => errors[f]).length;
  const lockedDefault = first || !!editing?.isDefault;
  return (
    <Page className='ov-addresses ov-address-form'>
      {editing ? (
        <View className='ov-addresses-block'>
          <Text className='ov-addresses-note'>为保护个人信息，原收件人姓名和手机号码已隐去部分，请重新填写后保存。</Text>
        </View>
      ) : null}
      <View className='ov-address-card'>
        <FieldRow label='收件人' required error={errors.recipientName} errorId='address-form-name-error'>
          <Input
            id='address-form-name'
            className='ov-input'
            type='text'
            maxlength={ADDRESS_LIMITS.recipientName.max}
            placeholder={editing ? `原为 ${editing.recipientName}，请填写完整姓名` : '收件人姓名'}
            value={draft.recipientName}
            onInput={(e) => set('recipientName', e.detail.value)}
          />
        </FieldRow>
        <FieldRow label='手机号码' required error={errors.phone} errorId='address-form-phone-error'>
          <Input
            id='address-form-phone'
            className='ov-input'
            type='number'
            maxlength={11}
            placeholder={editing ? `原为 ${editing.phone}，请填写完整号码` : '11 位手机号码'}
            value={draft.phone}
            onInput={(e) => set('phone', e.detail.value)}
          />
        </FieldRow>
        <FieldRow
          label='所在地区'
          required
          boxless
          error={errors.province ?? errors.city ?? errors.district}
          errorId='address-form-region-error'
        >
          <AddressRegion draft={draft} onChange={update} />
        </FieldRow>
        <FieldRow label='详细地址' required error={errors.detail} errorId='address-form-detail-error' help='街道、门牌号、小区、楼栋、单元室'>
          <Input
            id='address-form-detail'
            className='ov-input'
            type='text'
            maxlength={ADDRESS_LIMITS.detail.max}
            placeholder='如：五一大道 1 号 3 栋 201 室'
            value={draft.detail}
            onInput={(e) => set('detail', e.detail.value)}
          />
        </FieldRow>
        <FieldRow label='邮政编码' error={errors.postcode} errorId='address-form-postcode-error'>
          <Input
            id='address-form-postcode'
            className='ov-input'
            type='number'
            maxlength={6}
            placeholder='6 位数字（选填）'
            value={draft.postcode}
            onInput={(e) => set('postcode', e.detail.value)}
          />
        </FieldRow>
        <Toggle
          id='address-form-default'
          className='address-form-default'
          title='设为默认地址'
          description={first ? '第一个地址自动设为默认' : editing?.isDefault ? '已是默认地址；要更换，请把其他地址设为默认' : '邮寄办件结果时优先使用'}
          on={draft.isDefault}
          disabled={lockedDefault}
          onChange={(on) => set('isDefault', on)}
        />
      </View>
      <View className='ov-addresses-actions'>
        {count > 0 ? <InlineError id='address-form-error'>还有 {count} 处需要填写或修改，请查看标红的项目</InlineError> : null}
        <InlineApiError error={error} id='address-save-error' />
        <Button id='address-save' className='address-save' type='primary' size='large' block loading={busy} disabled={busy} onClick={save}>
          保存
        </Button>
      </View>
    </Page>
  );
}

/** Back to the list (or to it afresh when the form was opened on its own). */
function leave() {
  let depth = 0;
  try {
    depth = Taro.getCurrentPages().length;
  } catch {
    depth = 0;
  }
  if (depth > 1) void Taro.navigateBack();
  else void Taro.redirectTo({ url: addressRoutes.list() });
}

/**
 * 省 → 市 → 区县: chips from the shared region table. In the home province (Hunan) city and
 * district are chosen (`.address-region-city-<code>`, `.address-region-district-<code>`);
 * elsewhere they are typed (`#address-form-city`, `#address-form-district`).
 */
function AddressRegion({ draft, onChange }: { draft: AddressDraft; onChange: (d: AddressDraft) => void }) {
  const province = regionByCode(draft.province)?.level === 'province' ? draft.province : '';
  const table = hasCityTable(province);
  const city = table ? citiesOf(province)?.find((c) => c.code === draft.city) : undefined;
  const district = city?.districts.find((x) => x.code === draft.district);
  const chip = (r: Region, kind: 'province' | 'city' | 'district', pick: () => void) => (
    <View key={r.code} className={`ov-apply-chip address-region-${kind}-${r.code}`} role='button' onClick={pick}>
      <Text className='ov-apply-chip-text'>{r.name}</Text>
    </View>
  );
  const chosen = province ? (table ? formatRegion(province, city?.code, district?.code, ' ') : regionPath(province).province?.name ?? '') : '';

  return (
    <View className='ov-apply-region address-region'>
      {province ? (
        <View className='ov-apply-region-chosen'>
          <Text className='ov-apply-region-path address-region-chosen'>{chosen}</Text>
          <Text className='ov-apply-link address-region-reset' onClick={() => onChange(withProvince(draft, ''))}>
            重新选择
          </Text>
        </View>
      ) : null}
      {!province ? (
        <>
          <Text className='ov-apply-region-step'>请选择省份：</Text>
          <View className='ov-apply-chips'>{provinceChoices(PROVINCES).map((p) => chip(p, 'province', () => onChange(withProvince(draft, p.code))))}</View>
        </>
      ) : table && !city ? (
        <>
          <Text className='ov-apply-region-step'>请选择{HOME_PROVINCE.name}的市州：</Text>
          <View className='ov-apply-chips'>{(citiesOf(province) ?? []).map((c) => chip(c, 'city', () => onChange(withCity(draft, c.code))))}</View>
        </>
      ) : table && city && !district ? (
        <>
          <Text className='ov-apply-region-step'>请选择{city.name}的区县：</Text>
          <View className='ov-apply-chips'>{city.districts.map((x) => chip(x, 'district', () => onChange({ ...draft, district: x.code })))}</View>
        </>
      ) : null}
      {province && !table ? (
        <View className='ov-address-free'>
          <View className='ov-field-box ov-address-free-box'>
            <Input
              id='address-form-city'
              className='ov-input'
              type='text'
              maxlength={30}
              placeholder='城市，如：深圳市'
              value={draft.city}
              onInput={(e) => onChange(withCity(draft, e.detail.value))}
            />
          </View>
          <View className='ov-field-box ov-address-free-box'>
            <Input
              id='address-form-district'
              className='ov-input'
              type='text'
              maxlength={30}
              placeholder='区县，如：南山区'
              value={draft.district}
              onInput={(e) => onChange({ ...draft, district: e.detail.value })}
            />
          </View>
        </View>
      ) : null}
    </View>
  );
}
