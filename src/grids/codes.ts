/**
 * Grid codes. Unit-grid codes follow GB/T 30428.1 (数字化城市管理信息系统 第1部分：单元网格):
 * 6-digit county + 3-digit street + 3-digit community + 3-digit sequence = 15 digits. The statistical division
 * codes above them are 2 (province), 4 (city), 6 (county), 9 (street) and 12 (community) digits, and deeper
 * levels (micro-grids) extend a unit-grid code by 3 more digits. So along any branch a numeric code extends its
 * parent's code — the rule `hierarchicalCodes` in the policy enforces.
 */
export const CODE_PATTERN = '^[0-9A-Za-z][0-9A-Za-z_.-]{0,63}$';
const codePattern = new RegExp(CODE_PATTERN);

export interface CodeProblem {
  zh: string;
  en: string;
}

export function checkCodeSyntax(code: string): CodeProblem | null {
  if (codePattern.test(code)) return null;
  return {
    zh: `网格编码「${code}」格式不正确（1–64 位字母、数字、_ . -）`,
    en: `grid code "${code}" is malformed (1–64 letters, digits, _ . -)`,
  };
}

/** A numeric child code must extend its numeric parent's code by 2 to 6 digits. */
export function checkHierarchicalCode(code: string, parentCode: string | null): CodeProblem | null {
  if (parentCode === null || !/^\d+$/.test(parentCode)) return null;
  const added = code.length - parentCode.length;
  if (/^\d+$/.test(code) && code.startsWith(parentCode) && added >= 2 && added <= 6) return null;
  return {
    zh: `网格编码「${code}」应以上级编码「${parentCode}」开头并增加 2–6 位数字（GB/T 30428.1）`,
    en: `grid code "${code}" must extend its parent's code "${parentCode}" by 2–6 digits (GB/T 30428.1)`,
  };
}

/** The 15-digit GB/T 30428.1 unit-grid code. */
export function unitGridCode(county: string, street: string, community: string, sequence: number): string {
  if (!/^\d{6}$/.test(county) || !/^\d{3}$/.test(street) || !/^\d{3}$/.test(community)) {
    throw new Error('county must have 6 digits, street and community 3 digits each');
  }
  if (!Number.isInteger(sequence) || sequence < 1 || sequence > 999)
    throw new Error('sequence must be 1–999');
  return `${county}${street}${community}${String(sequence).padStart(3, '0')}`;
}

export function parseUnitGridCode(
  code: string,
): { county: string; street: string; community: string; sequence: number } | null {
  const match = /^(\d{6})(\d{3})(\d{3})(\d{3})$/.exec(code);
  if (!match) return null;
  return { county: match[1]!, street: match[2]!, community: match[3]!, sequence: Number(match[4]) };
}
