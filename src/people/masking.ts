/**
 * What a role sees of a person, field by field (D1, PIPL "minimum necessary"). Plain functions of the role set
 * and the field, tested table-driven in masking.test.ts. When a user holds several roles the most open one wins.
 *
 * | field          | full                                                  | masked                  | hidden |
 * |----------------|-------------------------------------------------------|-------------------------|--------|
 * | name, address  | admin, command_centre, area_leader, grid_leader, grid_worker | district, department | others |
 * | birthDate      | as name                                               | year only               | others |
 * | idNumber/phone | only on an explicit, audited unmask by admin/grid_leader | every other reader    |        |
 * | specialGroups  | admin, command_centre, grid_leader, grid_worker       | —                       | others |
 *
 * Names are masked per role, not per person: masking only the vulnerable people's names would itself tell a
 * count-only reader who is vulnerable.
 */
import { may, type Role } from '../accounts/roles.js';

export type PersonField = 'name' | 'address' | 'birthDate' | 'idNumber' | 'phone' | 'specialGroups';
export type Visibility = 'full' | 'masked' | 'hidden';

/** Roles that work with residents by name: they keep the roster. */
const ROSTER_ROLES: readonly Role[] = [
  'admin',
  'command_centre',
  'area_leader',
  'grid_leader',
  'grid_worker',
];

/**
 * How a role set sees a field. `unmask` is the caller's explicit request for full ID numbers and phones; it
 * is honoured only for roles with `people.unmask` (the route refuses the request for anyone else).
 */
export function visibility(roles: readonly Role[], field: PersonField, unmask = false): Visibility {
  if (!may(roles, 'people.read')) return 'hidden';
  switch (field) {
    case 'name':
    case 'address':
    case 'birthDate':
      return roles.some((role) => ROSTER_ROLES.includes(role)) ? 'full' : 'masked';
    case 'idNumber':
    case 'phone':
      return unmask && may(roles, 'people.unmask') ? 'full' : 'masked';
    case 'specialGroups':
      return may(roles, 'special_group.read') ? 'full' : 'hidden';
  }
}

/** 110101199003071234 → 110101********1234: the division and the last four, never the birth date. */
export function maskIdNumber(value: string): string {
  if (value.length < 10) return '*'.repeat(value.length);
  return `${value.slice(0, 6)}${'*'.repeat(value.length - 10)}${value.slice(-4)}`;
}

/** 13812345678 → 138****5678 */
export function maskPhone(value: string): string {
  if (value.length < 7) return '*'.repeat(value.length);
  return `${value.slice(0, 3)}${'*'.repeat(value.length - 7)}${value.slice(-4)}`;
}

/** 张三 → 张*, 欧阳娜娜 → 欧***: the surname stays, so a reader can still address the person. */
export function maskName(value: string): string {
  const characters = [...value];
  if (characters.length <= 1) return value;
  return `${characters[0]}${'*'.repeat(characters.length - 1)}`;
}

/** An address down to the road: "上海市宝山区友谊路100弄5号" → "上海市宝山区友谊路***". */
export function maskAddress(value: string): string {
  const road = /^(.*?[路街道巷])/.exec(value);
  return road ? `${road[1]}***` : '***';
}

/** 1950-03-07 → 1950 */
export function maskBirthDate(value: string): string {
  return value.slice(0, 4);
}

/** Apply a visibility to a value: the full value, its masked form, or nothing. */
export function present<T>(value: T | null, visible: Visibility, mask: (value: T) => T): T | null {
  if (value === null || visible === 'hidden') return null;
  return visible === 'full' ? value : mask(value);
}
