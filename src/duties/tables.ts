import { index, integer, pgTable } from 'drizzle-orm/pg-core';
import { users } from '../accounts/tables.js';
import { organisations } from '../people/tables.js';

/**
 * 职能部门 departments are organisations of kind 'department'. A user with the department role works for one
 * department: work dispatched to the department reaches whoever of its users is on duty, not a fixed person.
 */
export const departmentUsers = pgTable(
  'department_users',
  {
    userId: integer('user_id')
      .primaryKey()
      .references(() => users.id, { onDelete: 'cascade' }),
    organisationId: integer('organisation_id')
      .notNull()
      .references(() => organisations.id),
  },
  (t) => [index('department_users_organisation_idx').on(t.organisationId)],
);
