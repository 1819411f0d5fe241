/**
 * Checks of identity data: the 18-digit resident ID number of GB 11643-1999 (6-digit division code, 8-digit
 * birth date, 3-digit sequence whose parity gives the sex, ISO 7064 MOD 11-2 check character) and the
 * mainland mobile number.
 */

const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2] as const;
const CHECK_CHARACTERS = '10X98765432';

export const MOBILE_PATTERN = '^1[3-9][0-9]{9}$';

/** The check character of the first 17 digits. */
export function checkCharacter(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i += 1) sum += Number(first17[i]) * WEIGHTS[i]!;
  return CHECK_CHARACTERS[sum % 11]!;
}

export type IdNumberProblem = 'format' | 'birth_date' | 'check_digit';

export interface IdNumberFacts {
  birthDate: string;
  gender: 'male' | 'female';
}

/** What is wrong with an ID number, or its birth date and sex when it is valid. */
export function inspectIdNumber(
  raw: string,
): { ok: true; facts: IdNumberFacts } | { ok: false; problem: IdNumberProblem } {
  const value = raw.trim().toUpperCase();
  if (!/^\d{17}[\dX]$/.test(value)) return { ok: false, problem: 'format' };
  const year = Number(value.slice(6, 10));
  const month = Number(value.slice(10, 12));
  const day = Number(value.slice(12, 14));
  const date = new Date(Date.UTC(year, month - 1, day));
  if (
    year < 1900 ||
    date.getUTCFullYear() !== year ||
    date.getUTCMonth() !== month - 1 ||
    date.getUTCDate() !== day
  ) {
    return { ok: false, problem: 'birth_date' };
  }
  if (checkCharacter(value.slice(0, 17)) !== value[17]) return { ok: false, problem: 'check_digit' };
  return {
    ok: true,
    facts: {
      birthDate: `${value.slice(6, 10)}-${value.slice(10, 12)}-${value.slice(12, 14)}`,
      gender: Number(value[16]) % 2 === 1 ? 'male' : 'female',
    },
  };
}

export const ID_NUMBER_PROBLEMS: Record<IdNumberProblem, { zh: string; en: string }> = {
  format: {
    zh: '身份证号须为 18 位（末位可为 X）',
    en: 'an ID number has 18 characters (the last may be X)',
  },
  birth_date: { zh: '身份证号中的出生日期不存在', en: 'the birth date inside the ID number does not exist' },
  check_digit: { zh: '身份证号校验位错误', en: 'the check digit of the ID number is wrong' },
};

/** A valid ID number from its parts (demo data and tests). */
export function makeIdNumber(division: string, birthDate: string, sequence: number): string {
  const first17 = `${division}${birthDate.replace(/-/g, '')}${String(sequence).padStart(3, '0')}`;
  return `${first17}${checkCharacter(first17)}`;
}

export function isMobile(value: string): boolean {
  return new RegExp(MOBILE_PATTERN).test(value);
}
