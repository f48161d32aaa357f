/**
 * The NutUI components the app uses, each with only its own stylesheet (the full NutUI
 * stylesheet adds ~217 KB of wxss to the main package). Import NutUI from here, not directly.
 */
import '@nutui/nutui-react-taro/dist/es/packages/button/style/css';
import '@nutui/nutui-react-taro/dist/es/packages/cell/style/css';
import '@nutui/nutui-react-taro/dist/es/packages/cellgroup/style/css';
import '@nutui/nutui-react-taro/dist/es/packages/empty/style/css';
import '@nutui/nutui-react-taro/dist/es/packages/grid/style/css';
import '@nutui/nutui-react-taro/dist/es/packages/griditem/style/css';
import '@nutui/nutui-react-taro/dist/es/packages/loading/style/css';
import '@nutui/nutui-react-taro/dist/es/packages/searchbar/style/css';
import '@nutui/nutui-react-taro/dist/es/packages/skeleton/style/css';
import '@nutui/nutui-react-taro/dist/es/packages/tag/style/css';

export { default as Button } from '@nutui/nutui-react-taro/dist/es/packages/button';
export { default as Cell } from '@nutui/nutui-react-taro/dist/es/packages/cell';
export { default as Empty } from '@nutui/nutui-react-taro/dist/es/packages/empty';
export { default as Grid } from '@nutui/nutui-react-taro/dist/es/packages/grid';
export { default as Loading } from '@nutui/nutui-react-taro/dist/es/packages/loading';
export { default as SearchBar } from '@nutui/nutui-react-taro/dist/es/packages/searchbar';
export { default as Skeleton } from '@nutui/nutui-react-taro/dist/es/packages/skeleton';
export { default as Tag } from '@nutui/nutui-react-taro/dist/es/packages/tag';
