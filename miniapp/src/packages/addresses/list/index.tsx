import { useEffect, useRef, useState } from 'react';
import Taro, { useDidShow, usePullDownRefresh, useRouter } from '@tarojs/taro';
import { Text, View } from '@tarojs/components';
import { type Address } from '@onevisit/shared-types/client';
import { delivery } from '../../../api';
import { InlineApiError, InlineNotice } from '../../../components/Inline';
import { Button } from '../../../components/nutui';
import { Page } from '../../../components/Page';
import { Pill } from '../../../components/Pill';
import { EmptyView, ErrorView, LoadingView } from '../../../components/StateView';
import { addressLine, MAX_ADDRESSES } from '../../../delivery/address';
import { useNotice } from '../../../hooks/useNotice';
import { useRequest } from '../../../hooks/useRequest';
import { useSession } from '../../../hooks/useSession';
import { routeParam } from '../../../utils/format';
import { currentPageUrl, goToStep, returnTo } from '../../../utils/navigation';
import { addressRoutes, caseRoutes } from '../../../utils/routes';
import '../addresses.scss';

/**
 * 收货地址: the citizen's address book (default first), add / edit / delete / set default. With
 * `select=1&caseNo=…` it also picks where a posted case's result goes (寄到这里), then returns
 * to the case.
 */
export default function AddressListPage() {
  const params = useRouter().params;
  const caseNo = routeParam(params.caseNo);
  const selecting = params.select === '1' && !!caseNo;
  const current = useSession();

  useEffect(() => {
    if (selecting) void Taro.setNavigationBarTitle({ title: '选择收件地址' });
  }, [selecting]);

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
  return <AddressBook caseNo={selecting ? caseNo : undefined} userId={current.me.userId} />;
}

function AddressBook({ caseNo, userId }: { caseNo?: string; userId: string }) {
  const list = useRequest(() => delivery.addresses(), [userId]);
  // a delete answers the book as it is afterwards: shown at once, without another request
  const [items, setItems] = useState<Address[] | undefined>();
  useEffect(() => setItems(list.data?.items), [list.data]);
  const { notice, show } = useNotice();
  const [selectError, setSelectError] = useState<unknown>();
  const [choosing, setChoosing] = useState<string>();
  const shown = useRef(false);
  const refreshing = useRef(false);

  // back from the form: the book may have changed
  useDidShow(() => {
    if (shown.current) list.reload();
    shown.current = true;
  });
  usePullDownRefresh(() => {
    refreshing.current = true;
    list.reload();
  });
  useEffect(() => {
    if (!list.loading && refreshing.current) {
      refreshing.current = false;
      void Taro.stopPullDownRefresh();
    }
  }, [list.loading]);

  const choose = async (a: Address) => {
    if (!caseNo || choosing) return;
    setChoosing(a.addressId);
    setSelectError(undefined);
    try {
      await delivery.setCaseAddress(caseNo, a.addressId);
      show('已选择收件地址');
      returnTo(caseRoutes.detail(caseNo), caseRoutes.detail(caseNo));
    } catch (err) {
      setSelectError(err);
    } finally {
      setChoosing(undefined);
    }
  };

  const add = () => void Taro.navigateTo({ url: addressRoutes.edit() });
  const full = (items?.length ?? 0) >= MAX_ADDRESSES;

  let body;
  if (list.loading && !items) body = <LoadingView rows={2} blocks={3} />;
  else if (list.error && !items) body = <ErrorView error={list.error} onRetry={list.reload} />;
  else if (!items || !items.length) {
    body = <EmptyView title='还没有收货地址' description={caseNo ? '请先新增一个地址，办件结果将寄到这里' : '新增地址后，办件结果可以邮寄到家'} />;
  } else {
    body = (
      <View className='ov-addresses-list'>
        {items.map((a) => (
          <AddressItem
            key={a.addressId}
            a={a}
            selecting={!!caseNo}
            choosing={choosing === a.addressId}
            disabled={!!choosing}
            onChoose={() => void choose(a)}
            onRemoved={(next) => {
              setItems(next);
              show('地址已删除');
            }}
          />
        ))}
      </View>
    );
  }

  return (
    <Page className='ov-addresses'>
      {caseNo ? (
        <View className='ov-addresses-block'>
          <InlineNotice id='address-select-hint'>请选择办件结果的寄送地址（办件编号 {caseNo}）</InlineNotice>
        </View>
      ) : null}
      <View className='ov-addresses-block'>
        <InlineNotice id='address-notice'>{notice}</InlineNotice>
        <InlineApiError error={selectError} id='address-select-error' />
        {list.error && items ? <InlineApiError error={list.error} /> : null}
      </View>
      {body}
      <View className='ov-addresses-actions'>
        {full ? <Text className='ov-addresses-note'>最多保存 {MAX_ADDRESSES} 个地址，请先删除不用的地址</Text> : null}
        <Button id='address-add' className='address-add' type='primary' size='large' block disabled={full || (list.loading && !items)} onClick={add}>
          新增收货地址
        </Button>
      </View>
    </Page>
  );
}

function AddressItem({
  a,
  selecting,
  choosing,
  disabled,
  onChoose,
  onRemoved,
}: {
  a: Address;
  selecting: boolean;
  choosing: boolean;
  disabled: boolean;
  onChoose: () => void;
  onRemoved: (items: Address[]) => void;
}) {
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();

  const remove = async () => {
    if (busy) return;
    setBusy(true);
    setError(undefined);
    try {
      const next = await delivery.removeAddress(a.addressId);
      onRemoved(next.items);
    } catch (err) {
      setError(err);
      setBusy(false);
    }
  };
  const edit = (isDefault = false) => void Taro.navigateTo({ url: addressRoutes.edit({ addressId: a.addressId, isDefault }) });

  return (
    <View className={`ov-address address-item${a.isDefault ? ' address-item--default' : ''}`} data-id={a.addressId} data-default={a.isDefault ? '1' : '0'}>
      <View className='ov-address-head'>
        <Text className='ov-address-name address-item-name'>{a.recipientName}</Text>
        <Text className='ov-address-phone address-item-phone'>{a.phone}</Text>
        {a.isDefault ? (
          <Pill tone='blue' className='address-default-mark'>
            ✓ 默认
          </Pill>
        ) : null}
      </View>
      <Text className='ov-address-line address-item-line'>{addressLine(a)}</Text>
      {a.postcode ? <Text className='ov-address-postcode'>邮编 {a.postcode}</Text> : null}
      {selecting ? (
        <Button className='ov-address-select address-select' type='primary' size='large' block loading={choosing} disabled={disabled} onClick={onChoose}>
          寄到这里
        </Button>
      ) : null}
      {confirming ? (
        <View className='ov-address-confirm address-delete-box' role='dialog' aria-label='确认删除地址'>
          <Text className='ov-address-confirm-text'>确定删除这个地址吗？已寄送中的办件不受影响。{a.isDefault ? '删除后，最新添加的地址将成为默认地址。' : ''}</Text>
          <InlineApiError error={error} />
          <View className='ov-address-confirm-actions'>
            <Button className='address-delete-confirm' type='danger' size='large' loading={busy} disabled={busy} onClick={remove}>
              确定删除
            </Button>
            <Button className='address-delete-cancel' type='default' size='large' disabled={busy} onClick={() => setConfirming(false)}>
              取消
            </Button>
          </View>
        </View>
      ) : (
        <View className='ov-address-actions'>
          {a.isDefault ? null : (
            <View className='ov-address-action address-set-default' role='button' onClick={() => edit(true)}>
              <Text>设为默认</Text>
            </View>
          )}
          <View className='ov-address-action address-edit' role='button' onClick={() => edit()}>
            <Text>编辑</Text>
          </View>
          <View className='ov-address-action ov-address-action--danger address-delete' role='button' onClick={() => setConfirming(true)}>
            <Text>删除</Text>
          </View>
        </View>
      )}
    </View>
  );
}
