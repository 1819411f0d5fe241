/**
 * Who sees which settings page. The server decides for real (403 from user.manage and audit.read in
 * src/accounts/roles.ts); the console only hides what would answer 403.
 */
const CATALOGUE_READERS = ['admin', 'district', 'command_centre'] as const;

export const SETTINGS_PAGES = [
  { key: 'users', path: '/console/settings/users', roles: ['admin'] },
  { key: 'audit', path: '/console/settings/audit', roles: ['admin', 'district', 'command_centre'] },
  // the catalogue, deadlines, calendar and ladders: every signed-in user may read them (src/catalogue/routes.ts);
  // the street and district read them here, only the administrator changes them (category.manage, deadline.manage)
  { key: 'categories', path: '/console/settings/categories', roles: CATALOGUE_READERS },
  { key: 'policies', path: '/console/settings/policies', roles: CATALOGUE_READERS },
  { key: 'calendar', path: '/console/settings/calendar', roles: CATALOGUE_READERS },
  { key: 'ladders', path: '/console/settings/ladders', roles: CATALOGUE_READERS },
] as const;

export type SettingsPageKey = (typeof SETTINGS_PAGES)[number]['key'];

export function settingsPagesFor(roles: readonly string[]) {
  return SETTINGS_PAGES.filter((page) => page.roles.some((role) => roles.includes(role)));
}

export function mayOpen(key: SettingsPageKey, roles: readonly string[]): boolean {
  return settingsPagesFor(roles).some((page) => page.key === key);
}
