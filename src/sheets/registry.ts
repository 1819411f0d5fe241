import type { AuthUser } from '../accounts/auth.js';
import { may } from '../accounts/roles.js';
import type { SheetDefinition } from './types.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- definitions of any row type share one registry
export type AnySheet = SheetDefinition<any>;

/**
 * The sheets on offer. A module registers its definitions once at start (app.ts calls `register` for each);
 * keys are unique, so two modules cannot silently shadow each other's sheet.
 */
export class SheetRegistry {
  private readonly sheets = new Map<string, AnySheet>();

  register(...definitions: AnySheet[]): void {
    for (const definition of definitions) {
      if (this.sheets.has(definition.key)) throw new Error(`sheet "${definition.key}" is registered twice`);
      const keys = new Set<string>();
      for (const column of definition.columns) {
        if (keys.has(column.key)) throw new Error(`sheet "${definition.key}": column "${column.key}" twice`);
        keys.add(column.key);
      }
      this.sheets.set(definition.key, definition);
    }
  }

  get(key: string): AnySheet | undefined {
    return this.sheets.get(key);
  }

  /** The sheets this user may import or export, in registration order. */
  available(user: AuthUser): { definition: AnySheet; canImport: boolean; canExport: boolean }[] {
    return [...this.sheets.values()]
      .map((definition) => ({
        definition,
        canImport: may(user.roles, definition.permission),
        canExport: may(user.roles, definition.exportPermission ?? definition.permission),
      }))
      .filter((sheet) => sheet.canImport || sheet.canExport);
  }
}
