import { recordAudit } from '../core/audit.js';
import type { Clock } from '../core/clock.js';
import type { Database } from '../core/db.js';
import { AppError, errors } from '../core/errors.js';
import type { AuthUser } from '../accounts/auth.js';
import { may } from '../accounts/roles.js';
import { chinaDate } from '../people/service.js';
import { sortProblems } from './cells.js';
import type { AnySheet, SheetRegistry } from './registry.js';
import type { ParsedRow, RowProblem, SheetColumn, SheetContext } from './types.js';
import { readSheet, SheetFileError, templateOf, workbookOf } from './workbook.js';

export interface SheetServiceDeps {
  database: Database;
  clock: Clock;
  registry: SheetRegistry;
}

/** Largest .xlsx accepted (20 MB holds well over 100,000 rows of persons). */
export const SHEET_MAX_BYTES = 20 * 1024 * 1024;

export type SheetStage = 'parse' | 'check' | 'write';

export interface ImportOptions {
  dryRun?: boolean;
  /** Rows done of total in each stage (the CLI's progress bar). */
  onProgress?: (stage: SheetStage, done: number, total: number) => void;
}

export interface ImportResult {
  key: string;
  dryRun: boolean;
  rows: number;
  created: number;
  updated: number;
  unchanged: number;
  timings: { parseMs: number; checkMs: number; writeMs: number };
}

const SHEET = { zh: '表格', en: 'Sheet' };

/** Thrown when any row has a problem: the answer lists every one of them, and nothing is written. */
export function rowProblems(problems: RowProblem[]): AppError {
  const rows = new Set(problems.map((problem) => problem.row)).size;
  return new AppError(
    422,
    'sheet_rows_invalid',
    `表格中 ${rows} 行共有 ${problems.length} 处错误，未写入任何数据`,
    `${problems.length} problems in ${rows} rows of the sheet; nothing was written`,
    problems.map((problem) => ({
      field: `/rows/${problem.row}/${problem.column}`,
      zh: `第 ${problem.row} 行「${problem.column}」：${problem.zh}`,
      en: `row ${problem.row}, ${problem.column}: ${problem.en}`,
    })),
    { rows: problems, problemCount: problems.length },
  );
}

/** Spreadsheet import and export (issue 4 item 8) over the definitions in the registry. */
export class SheetService {
  constructor(private readonly deps: SheetServiceDeps) {}

  get registry(): SheetRegistry {
    return this.deps.registry;
  }

  list(user: AuthUser) {
    return this.deps.registry.available(user).map(({ definition, canImport, canExport }) => ({
      key: definition.key,
      title: definition.title,
      canImport,
      canExport,
      columns: definition.columns.map((column: SheetColumn) => ({
        key: column.key,
        header: column.header,
        required: column.required ?? false,
        ...(column.choices ? { choices: column.choices } : {}),
      })),
    }));
  }

  /** The definition, if this user may use it that way; an unknown key and a forbidden one answer alike. */
  private definition(key: string, user: AuthUser, use: 'import' | 'export'): AnySheet {
    const definition = this.deps.registry.get(key);
    if (!definition) throw errors.notFound(SHEET, key);
    const permission =
      use === 'import' ? definition.permission : (definition.exportPermission ?? definition.permission);
    if (!may(user.roles, permission)) throw errors.forbidden();
    return definition;
  }

  async template(key: string, user: AuthUser): Promise<{ buffer: Buffer; filename: string }> {
    const definition = this.definition(key, user, 'import');
    return { buffer: await templateOf(definition), filename: `${definition.key}-template.xlsx` };
  }

  private context(user: AuthUser, executor = this.deps.database.db): SheetContext {
    const at = this.deps.clock.now();
    return { executor, user, today: chinaDate(at), at };
  }

  /**
   * parse → parseRow every row → check all → write all in one transaction, or answer every problem (422) and
   * write nothing. A dry run stops after the checks.
   */
  async import(
    key: string,
    buffer: Buffer,
    user: AuthUser,
    options: ImportOptions = {},
  ): Promise<ImportResult> {
    const definition = this.definition(key, user, 'import');
    const progress = options.onProgress ?? (() => undefined);
    const started = performance.now();
    let sheet;
    try {
      sheet = await readSheet(definition, buffer);
    } catch (error) {
      if (error instanceof SheetFileError) {
        throw errors.unprocessable(
          'sheet_unreadable',
          '无法读取文件：请上传 .xlsx 格式的 Excel 文件',
          'The file cannot be read: upload an .xlsx Excel workbook',
        );
      }
      throw error;
    }
    const total = sheet.rows.length;
    const columns = definition.columns.map((column: SheetColumn) => column.key);
    const problems: RowProblem[] = [...sheet.problems];
    const parsed: ParsedRow<unknown>[] = [];
    progress('parse', 0, total);
    sheet.rows.forEach(({ row, cells }, i) => {
      const result = definition.parseRow(cells, row);
      problems.push(...result.problems);
      if (result.value !== undefined && result.problems.length === 0)
        parsed.push({ row, value: result.value });
      if ((i + 1) % 1000 === 0) progress('parse', i + 1, total);
    });
    progress('parse', total, total);
    if (total === 0 && problems.length === 0) {
      throw errors.unprocessable('sheet_empty', '表格中没有数据行', 'The sheet has no data rows');
    }
    const parseMs = performance.now() - started;

    let checkMs = 0;
    let writeMs = 0;
    const at = this.deps.clock.now();
    const result = await this.deps.database.db.transaction(async (tx) => {
      // checks run in the writing transaction, so nothing they looked at changes before the write
      const checkStarted = performance.now();
      progress('check', 0, total);
      const context = {
        ...this.context(user, tx),
        progress: (done: number, all: number) => progress('write', done, all),
      };
      problems.push(...(await definition.check(parsed, context)));
      progress('check', total, total);
      checkMs = performance.now() - checkStarted;
      if (problems.length > 0) throw rowProblems(sortProblems(problems, columns));
      if (options.dryRun) return { created: 0, updated: 0, unchanged: 0 };
      const writeStarted = performance.now();
      progress('write', 0, total);
      const written = await definition.write(parsed, context);
      await recordAudit(tx, { userId: user.id, name: user.username }, at, [
        {
          action: 'sheet.import',
          entity: 'sheet',
          entityKey: definition.key,
          detail: { rows: total, created: written.created, updated: written.updated },
        },
      ]);
      progress('write', total, total);
      writeMs = performance.now() - writeStarted;
      return { created: written.created, updated: written.updated, unchanged: written.unchanged ?? 0 };
    });
    return {
      key: definition.key,
      dryRun: options.dryRun ?? false,
      rows: total,
      ...result,
      timings: { parseMs: Math.round(parseMs), checkMs: Math.round(checkMs), writeMs: Math.round(writeMs) },
    };
  }

  async export(
    key: string,
    user: AuthUser,
    unmask: boolean,
  ): Promise<{ buffer: Buffer; filename: string; rows: number }> {
    const definition = this.definition(key, user, 'export');
    if (unmask && !may(user.roles, 'people.unmask')) {
      throw errors.forbidden('无权导出完整身份证号和手机号', 'You may not export full ID numbers and phones');
    }
    const rows = await this.deps.database.db.transaction(async (tx) =>
      definition.exportRows({ ...this.context(user, tx), unmask }),
    );
    return {
      buffer: await workbookOf(definition, rows),
      filename: `${definition.key}.xlsx`,
      rows: rows.length,
    };
  }
}
