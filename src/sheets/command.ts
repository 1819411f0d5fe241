import fs from 'node:fs';
import { sql } from 'drizzle-orm';
import type { Services } from '../app.js';
import type { AuthUser } from '../accounts/auth.js';
import { Scope } from '../accounts/scope.js';
import { rowsOf } from '../core/db.js';
import { AppError } from '../core/errors.js';
import type { ImportOptions, ImportResult } from './service.js';

/** The account a command-line import acts as: its roles and grids decide what it may write, as on the web. */
export async function userByName(services: Services, username: string): Promise<AuthUser> {
  const [row] = rowsOf<{ id: number }>(
    await services.database.db.execute(
      sql`select id from users where username = ${username} and disabled = false`,
    ),
  );
  if (!row) {
    throw new AppError(
      404,
      'unknown_user',
      `用户「${username}」不存在或已停用`,
      `No active user "${username}"`,
    );
  }
  const account = await services.accounts.getUser(row.id);
  return {
    id: account.id,
    username: account.username,
    displayName: account.displayName,
    roles: account.roles,
    gridCodes: account.gridCodes,
    scope: account.roles.includes('admin') ? Scope.everything() : Scope.of(account.gridPaths),
  };
}

/** `gezhi import-sheet <key> <file> --user <name>`: the same import as POST /api/sheets/{key}/import. */
export async function importSheetFile(
  services: Services,
  key: string,
  file: string,
  username: string,
  options: ImportOptions = {},
): Promise<ImportResult> {
  const user = await userByName(services, username);
  const buffer = fs.readFileSync(file);
  return services.sheets.import(key, buffer, user, options);
}
