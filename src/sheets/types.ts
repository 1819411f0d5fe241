import type { AuthUser } from '../accounts/auth.js';
import type { Permission } from '../accounts/roles.js';
import type { Executor } from '../core/db.js';

/**
 * The contract between the spreadsheet machinery (src/sheets) and a domain that offers a sheet (persons,
 * positions, party members, co-building units …). The machinery reads and writes `.xlsx` (exceljs), builds the
 * downloadable template from `columns`, turns each data row into `cells`, collects every problem of every row
 * before anything is written, and writes all rows in one transaction only when there are none.
 */

/** A cell as read from the sheet: text is trimmed, empty cells are null, dates stay dates. */
export type Cell = string | number | boolean | Date | null;

export interface SheetColumn {
  /** Stable key, used in code and in error reports (`column`). */
  key: string;
  /** The header printed in row 1 of the template; either language is accepted on import. */
  header: { zh: string; en: string };
  required?: boolean;
  /** Shown in the template's example row and its note. */
  example?: string;
  note?: { zh: string; en: string };
  /** Allowed values (shown as a drop-down list in the template). */
  choices?: string[];
  width?: number;
}

/** One problem of one row: the spreadsheet row number (1 = header row), the column key, and why. */
export interface RowProblem {
  row: number;
  column: string;
  zh: string;
  en: string;
}

export interface ParsedRow<T> {
  row: number;
  value: T;
}

export interface SheetContext {
  executor: Executor;
  user: AuthUser;
  /** The calendar date in China (positions and memberships are by day). */
  today: string;
  /** The instant of the import or export (from the injected clock), for timestamps and audit rows. */
  at?: Date;
  /** Export only: the user asked for full ID numbers and phones and may have them (audited by the sheet). */
  unmask?: boolean;
  /** Write only: rows written so far, for a progress bar on big files. */
  progress?: (done: number, total: number) => void;
}

export interface SheetDefinition<T> {
  /** URL key: /api/sheets/{key}/template, /api/sheets/{key}/import, /api/sheets/{key}/export */
  key: string;
  title: { zh: string; en: string };
  /** Needed to import; exporting needs `exportPermission` (defaults to the same). */
  permission: Permission;
  exportPermission?: Permission;
  columns: SheetColumn[];
  /** One row to a value, or its problems. Pure: no database. `cells` is keyed by column key. */
  parseRow(cells: Record<string, Cell>, row: number): { value?: T; problems: RowProblem[] };
  /** Whole-file checks that need the database or other rows: unknown or out-of-scope grids, duplicates. */
  check(rows: ParsedRow<T>[], context: SheetContext): Promise<RowProblem[]>;
  /** Writes every row (called inside one transaction, only when no row has a problem). */
  write(
    rows: ParsedRow<T>[],
    context: SheetContext,
  ): Promise<{ created: number; updated: number; unchanged?: number }>;
  /** The rows an export gives this user (already masked as the user's role requires), keyed by column key. */
  exportRows(context: SheetContext): Promise<Record<string, Cell>[]>;
}
