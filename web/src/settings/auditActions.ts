/**
 * The actions the server writes to the audit log (grep "action: '" in src/), for the filter and the translations
 * (audit.actions.* in the i18n files). An action missing here is still shown, by its code.
 */
export const AUDIT_ACTIONS = [
  'user.login',
  'user.login_failed',
  'user.locked',
  'user.unlock',
  'user.logout',
  'user.create',
  'user.update',
  'grid.create',
  'grid.update',
  'grid.boundary',
  'grid.retire',
  'grid.import_divisions',
  'grid_level.save',
  'building.create',
  'person.create',
  'person.update',
  'person.unmask',
  'person.link_user',
  'organisation.create',
  'position.create',
  'position.end',
] as const;

export const AUDIT_ENTITIES = [
  'user',
  'grid',
  'grid_level',
  'building',
  'person',
  'organisation',
  'position',
] as const;

/** Failures and locks stand out; reads of personal data are marked; the rest by kind of change. */
export function actionColor(action: string): string {
  if (action === 'user.login_failed' || action === 'user.locked') return 'error';
  if (action === 'person.unmask') return 'warning';
  if (action.endsWith('.create')) return 'success';
  if (action.endsWith('.retire') || action.endsWith('.end')) return 'default';
  if (action === 'user.login' || action === 'user.logout') return 'default';
  return 'processing';
}
