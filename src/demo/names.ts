/**
 * Name lists of the demo street 友谊路街道 (Baoshan district). Real-sounding, not a survey: the compounds,
 * schools and shops are invented from the road names of the neighbourhood.
 */

/** Roads used in addresses (上海市宝山区…路…弄…号) and for street-shop and street-road micro-grids. */
export const ROADS = [
  '友谊路',
  '牡丹江路',
  '密山路',
  '宝林路',
  '永清路',
  '盘古路',
  '海江路',
  '双城路',
  '同济路',
  '淞滨路',
  '漠河路',
  '宝杨路',
  '团结路',
  '淞宝路',
  '宝莲路',
  '友谊支路',
  '铁峰路',
  '宝钢路',
] as const;

/** First half of a residential compound's name (小区 / 新村 / 苑 / 花园). */
export const COMPOUND_STEMS = [
  '友谊',
  '宝林',
  '永清',
  '密山',
  '牡丹江',
  '盘古',
  '海江',
  '双城',
  '淞滨',
  '宝杨',
  '团结',
  '淞宝',
  '宝莲',
  '铁峰',
  '漠河',
  '同泰',
  '宝钢',
  '樱花',
  '锦秋',
  '天馨',
  '春江',
  '金地',
  '宝城',
  '滨江',
] as const;

/** Second half of a compound's name. The numbered villages (一村…五村) are the 1980s new-village style. */
export const COMPOUND_SUFFIXES = [
  '一村',
  '二村',
  '三村',
  '四村',
  '五村',
  '新村',
  '小区',
  '苑',
  '花园',
  '家园',
  '公寓',
  '雅苑',
  '名邸',
] as const;

/** Special micro-grids (专属网格) by grid type; the micro-grid is named "<place>微网格". */
export const SPECIAL_PLACES = {
  school: [
    '友谊路小学',
    '宝林路第一小学',
    '永清中学',
    '密山路幼儿园',
    '盘古路小学',
    '海滨实验学校',
    '宝山区第三中学',
    '淞滨幼儿园',
    '同济路小学',
  ],
  market: ['宝林菜市场', '永清路菜场', '友谊综合市场', '牡丹江路菜场', '海江农贸市场'],
  commercial_complex: ['友谊商业广场', '宝杨路购物中心', '淞宝商城', '宝莲城'],
  office_building: ['宝山科技大厦', '友谊路商务楼', '密山商务中心', '牡丹江大厦', '宝林商务园', '淞滨大厦'],
  street_shops: ROADS.map((road) => `${road}沿街商铺`),
  industrial_park: ['友谊科创园', '淞宝都市产业园', '宝林都市工业园'],
  street_road: ROADS.map((road) => `${road}街面`),
} as const;

export type SpecialGridType = keyof typeof SPECIAL_PLACES;

/** Chinese ordinals for the numbered comprehensive grids and governance units. */
export const ORDINALS = ['一', '二', '三', '四', '五', '六', '七', '八', '九', '十'] as const;
