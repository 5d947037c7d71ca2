/** The page's words in each language it speaks. Keys are English phrases' intent. */
export const LOCALES = ['en', 'zh'] as const;
export type Locale = (typeof LOCALES)[number];

/** Intl locale per language, for numbers and prices. */
export const INTL_LOCALE: Record<Locale, string> = { en: 'en-US', zh: 'zh-CN' };

const en = {
  appName: 'Roost',
  tagline: 'Homes to rent on the map',
  homes: '{count} homes',
  home: '1 home',
  avgPrice: 'avg {price}',
  priceFrom: 'Min price',
  priceTo: 'Max price',
  anyPrice: 'Any',
  type: 'Type',
  typeAll: 'All types',
  type_entire: 'Entire home',
  type_private: 'Private room',
  type_shared: 'Shared room',
  beds: 'Bedrooms',
  bedsAny: 'Any',
  bedsAtLeast: '{n}+',
  sort: 'Sort',
  sort_newest: 'Newest',
  sort_price: 'Lowest price',
  filters: 'Filters',
  clearFilters: 'Clear',
  loading: 'Loading…',
  empty: 'No homes here — widen the filters.',
  error: 'The search did not answer.',
  retry: 'Retry',
  listTitle: '{count} homes in view',
  loadMore: 'Show more',
  bedrooms: '{n} bedrooms',
  bedroom: '1 bedroom',
  studio: 'Studio',
  viewListing: 'View listing',
  close: 'Close',
  bubbleArea: '{name}: {count} homes, average {price}. Zoom in',
  bubbleCluster: '{count} homes here, average {price}. Zoom in',
  pin: '{title}, {price}',
  language: 'Language',
  backToMap: 'Back to the map',
  notFound: 'This listing does not exist or is no longer available.',
  listedOn: 'Listed {date}',
  updatedOn: 'Updated {date}',
  perMonth: '/ month',
  showList: 'List',
  showMap: 'Map',
  reconnecting: 'Live updates paused — reconnecting…',
} as const;

export type MessageKey = keyof typeof en;

const zh: Record<MessageKey, string> = {
  appName: 'Roost 栖',
  tagline: '地图找房',
  homes: '{count} 套房源',
  home: '1 套房源',
  avgPrice: '均价 {price}',
  priceFrom: '最低价',
  priceTo: '最高价',
  anyPrice: '不限',
  type: '类型',
  typeAll: '全部类型',
  type_entire: '整套',
  type_private: '独立房间',
  type_shared: '合住房间',
  beds: '卧室',
  bedsAny: '不限',
  bedsAtLeast: '{n} 间以上',
  sort: '排序',
  sort_newest: '最新',
  sort_price: '价格最低',
  filters: '筛选',
  clearFilters: '清除',
  loading: '加载中…',
  empty: '这里没有房源——放宽筛选条件试试。',
  error: '搜索没有响应。',
  retry: '重试',
  listTitle: '视野内 {count} 套房源',
  loadMore: '显示更多',
  bedrooms: '{n} 间卧室',
  bedroom: '1 间卧室',
  studio: '开间',
  viewListing: '查看房源',
  close: '关闭',
  bubbleArea: '{name}：{count} 套房源，均价 {price}。放大查看',
  bubbleCluster: '此处 {count} 套房源，均价 {price}。放大查看',
  pin: '{title}，{price}',
  language: '语言',
  backToMap: '返回地图',
  notFound: '该房源不存在或已下架。',
  listedOn: '发布于 {date}',
  updatedOn: '更新于 {date}',
  perMonth: '/ 月',
  showList: '列表',
  showMap: '地图',
  reconnecting: '实时更新已暂停——正在重新连接…',
};

export const MESSAGES: Record<Locale, Record<MessageKey, string>> = { en, zh };

/** The language for an Accept-Language header or navigator.language: Chinese or English. */
export function pickLocale(accept: string | null | undefined): Locale {
  return /^\s*zh\b/i.test(accept ?? '') ? 'zh' : 'en';
}
