/**
 * What the console offers each role on the people pages. The server decides for real (src/accounts/roles.ts:
 * `people.unmask`, `special_group.read`); the console only hides buttons and filters that would answer 403.
 */
const UNMASK_ROLES = ['admin', 'grid_leader'];
const SPECIAL_GROUP_ROLES = ['admin', 'command_centre', 'grid_leader', 'grid_worker'];
const PEOPLE_ROLES = [
  'admin',
  'district',
  'command_centre',
  'area_leader',
  'grid_leader',
  'grid_worker',
  'department',
];

export function mayUnmask(roles: readonly string[]): boolean {
  return roles.some((role) => UNMASK_ROLES.includes(role));
}

export function maySeeSpecialGroups(roles: readonly string[]): boolean {
  return roles.some((role) => SPECIAL_GROUP_ROLES.includes(role));
}

export function mayReadPeople(roles: readonly string[]): boolean {
  return roles.some((role) => PEOPLE_ROLES.includes(role));
}
