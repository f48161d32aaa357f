import Taro from '@tarojs/taro';
import { Text, View } from '@tarojs/components';
import { Cell } from '../../components/nutui';
import { Pill } from '../../components/Pill';
import './index.scss';

/** Entries that arrive with later releases (login, applications, licences, appointments…). */
const ENTRIES = [
  { key: 'applications', title: '我的办件', description: '申请进度、补正与结果' },
  { key: 'licences', title: '电子证照', description: '亮证、授权与使用记录' },
  { key: 'appointments', title: '预约记录', description: '窗口预约与取号' },
  { key: 'addresses', title: '收货地址', description: '证件邮寄地址' },
  { key: 'ratings', title: '我的评价', description: '好差评与投诉' },
] as const;

export default function MePage() {
  const notYet = () => Taro.showToast({ title: '该功能将在后续版本开放', icon: 'none' });
  return (
    <View className='ov-page ov-me'>
      <View className='ov-hero ov-me-card'>
        <View className='ov-me-avatar' />
        <View className='ov-me-text'>
          <Text className='ov-me-name'>未登录</Text>
          <Text className='ov-me-hint'>登录后可查看办件、证照与预约</Text>
        </View>
      </View>
      <View className='ov-me-notice'>登录与以下功能将在后续版本开放，目前可浏览办事指南、搜索事项。</View>
      <View className='ov-me-list'>
        <Cell.Group>
          {ENTRIES.map((e) => (
            <Cell
              key={e.key}
              className='ov-me-entry'
              title={e.title}
              description={e.description}
              extra={<Pill tone='gray'>后续版本开放</Pill>}
              onClick={notYet}
            />
          ))}
        </Cell.Group>
      </View>
    </View>
  );
}
