/**
 * Who sees which settings page. The server decides for real (403 from user.manage and audit.read in
 * src/accounts/roles.ts); the console only hides what would answer 403.
 */
export const SETTINGS_PAGES = [
  { key: 'users', path: '/console/settings/users', roles: ['admin'] },
  { key: 'audit', path: '/console/settings/audit', roles: ['admin', 'district', 'command_centre'] },
] as const;

export type SettingsPageKey = (typeof SETTINGS_PAGES)[number]['key'];

export function settingsPagesFor(roles: readonly string[]) {
  return SETTINGS_PAGES.filter((page) => page.roles.some((role) => roles.includes(role)));
}

export function mayOpen(key: SettingsPageKey, roles: readonly string[]): boolean {
  return settingsPagesFor(roles).some((page) => page.key === key);
}
