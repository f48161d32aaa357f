import { View } from '@tarojs/components';
import { SEARCH_MAX_LENGTH } from '@onevisit/shared-types/client';
import { SearchBar } from './nutui';
import './SearchBox.scss';

interface Props {
  value: string;
  onChange: (value: string) => void;
  onSearch: (value: string) => void;
  autoFocus?: boolean;
  placeholder?: string;
}

/**
 * The search field of home and search pages. The native input carries `ov-search-input`
 * (in H5 it is the `taro-input-core` element wrapping the `<input>`).
 */
export function SearchBox({ value, onChange, onSearch, autoFocus = false, placeholder = '搜索事项，如：丢了身份证、挪车' }: Props) {
  return (
    <SearchBar
      className='ov-searchbar'
      shape='round'
      value={value}
      placeholder={placeholder}
      maxLength={SEARCH_MAX_LENGTH}
      // Focus through the input itself: NutUI's own autoFocus calls focus() on the H5 input before
      // the web component has rendered ("Cannot read properties of undefined (reading 'focus')").
      inputProps={{ className: 'nut-searchbar-input ov-search-input', confirmType: 'search', ...(autoFocus ? { focus: true, autoFocus: true } : {}) }}
      onChange={(v) => onChange(v ?? '')}
      onClear={() => onChange('')}
      onSearch={(v) => onSearch(v ?? '')}
      right={
        <View className='ov-search-button' onClick={() => onSearch(value)}>
          搜索
        </View>
      }
    />
  );
}
