import { Text, View } from '@tarojs/components';
import { describeError } from '../api';
import { Button, Empty, Loading, Skeleton } from './nutui';
import './StateView.scss';

/** Placeholder rows while a section loads. */
export function LoadingView({ rows = 3, blocks = 1 }: { rows?: number; blocks?: number }) {
  return (
    <View className='ov-loading'>
      {Array.from({ length: blocks }, (_, i) => (
        <View className='ov-loading-block' key={i}>
          <Skeleton rows={rows} animated />
        </View>
      ))}
    </View>
  );
}

/** A small spinner with a caption (load-more, inline refresh). */
export function InlineLoading({ text = '加载中…' }: { text?: string }) {
  return (
    <View className='ov-inline-loading'>
      <Loading type='spinner'>{text}</Loading>
    </View>
  );
}

/** A request failed: what happened (in Chinese), the server's message and request id, and 重试. */
export function ErrorView({ error, onRetry, compact = false }: { error: unknown; onRetry?: () => void; compact?: boolean }) {
  const { title, detail } = describeError(error);
  return (
    <View className={`ov-error${compact ? ' ov-error--compact' : ''}`}>
      <View className='ov-error-icon'>!</View>
      <Text className='ov-error-title'>{title}</Text>
      {detail ? <Text className='ov-error-detail'>{detail}</Text> : null}
      {onRetry ? (
        <Button className='ov-retry' type='primary' size='small' fill='outline' onClick={onRetry}>
          重试
        </Button>
      ) : null}
    </View>
  );
}

/** Nothing to show. No remote illustration: the default NutUI images live on a third-party CDN. */
export function EmptyView({ title = '暂无内容', description }: { title?: string; description?: string }) {
  return (
    <Empty
      className='ov-empty'
      size='small'
      image={<View className='ov-empty-icon' />}
      title={title}
      description={description}
    />
  );
}

/** The end of a paged list: the error of the last page, loading, "加载更多", or "没有更多了". */
export function ListFooter({ list }: { list: { moreError?: unknown; loadingMore: boolean; hasMore: boolean; loadMore: () => void } }) {
  if (list.moreError) return <ErrorView error={list.moreError} onRetry={list.loadMore} compact />;
  if (list.loadingMore) return <InlineLoading />;
  if (!list.hasMore) return <View className='ov-list-end'>没有更多了</View>;
  return (
    <View className='ov-load-more'>
      <Button className='ov-load-more-button' size='small' fill='outline' type='primary' onClick={list.loadMore}>
        加载更多
      </Button>
    </View>
  );
}
