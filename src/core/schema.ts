/** Every table of the platform, for drizzle-kit and for the typed client. Each domain owns its tables. */
export * from './audit.js';
export * from './settings.js';
export * from '../grids/tables.js';
export * from '../accounts/tables.js';
export * from '../people/tables.js';
export * from '../catalogue/tables.js';
export * from '../duties/tables.js';
export * from '../jobs/tables.js';
export * from '../notifications/tables.js';
export * from '../forces/tables.js';
export * from '../party/tables.js';
export * from '../talent/tables.js';
export * from '../points/tables.js';
export * from '../events/tables.js';
export * from '../whistles/tables.js';
export * from '../patrols/tables.js';
export * from '../cases/tables.js';
