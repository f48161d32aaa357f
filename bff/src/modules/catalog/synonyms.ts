/**
 * Everyday phrasing → the catalogue's official words. Applied to the query before matching, so
 * "丢了身份证" also searches "补领身份证" and "挪车" also searches "移车". Items carry their own
 * colloquial keywords too; this table covers words shared by many items.
 */
export const SYNONYMS: [string, string][] = [
  ['丢失', '补领'],
  ['遗失', '补领'],
  ['丢了', '补领'],
  ['掉了', '补领'],
  ['弄丢', '补领'],
  ['不见了', '补领'],
  ['被偷', '补领'],
  ['被盗', '补领'],
  ['丢', '补领'],
  ['坏了', '换领'],
  ['损坏', '换领'],
  ['过期', '换领'],
  ['到期', '换证'],
  ['挪车', '移车'],
  ['挪', '移'],
  ['驾照', '驾驶证'],
  ['行车证', '行驶证'],
  ['户口本', '户口簿'],
  ['违章', '交通违法'],
  ['罚单', '交通违法'],
  ['撞车', '交通事故'],
  ['剐蹭', '交通事故'],
  ['良民证', '无犯罪记录证明'],
  ['港澳通行证', '往来港澳通行证'],
  ['台湾通行证', '往来台湾通行证'],
  ['电动车', '电动自行车'],
  ['上户口', '出生登记'],
  ['迁户口', '户口迁移'],
  ['办护照', '普通护照'],
  ['刻章', '公章刻制'],
  ['年检', '检验标志'],
];

/** Filler a citizen types around what they want; removed from the query when something remains. */
export const FILLER_WORDS = ['请问', '怎么办理', '怎么办', '如何办理', '怎么', '如何', '怎样', '在哪里', '在哪', '哪里', '需要', '什么', '可以', '我想', '我要', '想要', '一下', '我的', '办理', '吗', '呢', '啊', '吧', '了', '的'];
