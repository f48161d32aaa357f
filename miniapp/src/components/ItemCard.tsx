import Taro from '@tarojs/taro';
import { Text, View } from '@tarojs/components';
import { HANDLING_CLASS_NAMES, HANDLING_MODE_NAMES, type ItemSummary } from '@onevisit/shared-types/client';
import { domainName } from '../utils/domains';
import { feeLabel, highlight, workingDaysLabel } from '../utils/format';
import { routes } from '../utils/routes';
import { Pill } from './Pill';
import './ItemCard.scss';

interface Props {
  item: ItemSummary;
  /** Highlight this text in the name (search results). */
  query?: string;
  /** "匹配：丢了身份证" when the hit came from an alias, keyword or summary. */
  matchedText?: string;
  showDomain?: boolean;
}

/** One service item in a list; tapping opens its guide. */
export function ItemCard({ item, query, matchedText, showDomain = false }: Props) {
  const open = () => Taro.navigateTo({ url: routes.item(item.itemCode) });
  const nameParts = query ? highlight(item.name, query) : [{ text: item.name, hit: false }];
  return (
    <View className='ov-item-card' onClick={open} hoverClass='ov-item-card--pressed'>
      <View className='ov-item-card-name'>
        {nameParts.map((p, i) => (
          <Text key={i} className={p.hit ? 'ov-hit' : undefined}>
            {p.text}
          </Text>
        ))}
      </View>
      {matchedText ? (
        <View className='ov-item-card-match'>
          匹配：
          {highlight(matchedText, query ?? '').map((p, i) => (
            <Text key={i} className={p.hit ? 'ov-hit' : undefined}>
              {p.text}
            </Text>
          ))}
        </View>
      ) : null}
      <View className='ov-item-card-tags'>
        <Pill tone='blue'>{HANDLING_MODE_NAMES[item.handlingMode]}</Pill>
        <Pill tone='gray'>{HANDLING_CLASS_NAMES[item.handlingClass]}</Pill>
        {item.visitsRequired === 0 ? <Pill tone='green'>零跑腿</Pill> : null}
        {item.hasGreenChannel ? <Pill tone='orange'>绿色通道</Pill> : null}
      </View>
      <Text className='ov-item-card-summary'>{item.summary}</Text>
      <View className='ov-item-card-meta'>
        {showDomain ? <Text className='ov-meta ov-item-card-domain'>{domainName(item.domain)}</Text> : null}
        <Text className='ov-meta'>承诺时限：{workingDaysLabel(item.promisedLimitDays)}</Text>
        <Text className='ov-meta'>收费：{feeLabel(item.feeFen)}</Text>
      </View>
    </View>
  );
}
