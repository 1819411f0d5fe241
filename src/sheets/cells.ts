/**
 * Reading typed values out of sheet cells, for the definitions' parseRow. A column that is absent from the
 * file reads as `undefined` ("leave as it is"), an empty cell as `null` ("no value"); every problem is
 * collected with its row and column, never thrown.
 */
import type { Cell, RowProblem } from './types.js';

const DATE_PATTERN = /^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?$/;

/** "YYYY-MM-DD" of a date cell or a date-looking text, or undefined when it is neither. */
export function dateOf(cell: Cell): string | undefined {
  if (cell instanceof Date) {
    if (Number.isNaN(cell.getTime())) return undefined;
    // exceljs gives dates as UTC midnight of the day in the sheet
    return cell.toISOString().slice(0, 10);
  }
  if (typeof cell !== 'string') return undefined;
  const match = DATE_PATTERN.exec(cell.trim());
  if (!match) return undefined;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const date = new Date(Date.UTC(year, month - 1, day));
  if (date.getUTCFullYear() !== year || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) {
    return undefined;
  }
  return date.toISOString().slice(0, 10);
}

export class RowReader {
  readonly problems: RowProblem[] = [];

  constructor(
    private readonly cells: Record<string, Cell>,
    readonly row: number,
  ) {}

  problem(column: string, zh: string, en: string): void {
    this.problems.push({ row: this.row, column, zh, en });
  }

  has(column: string): boolean {
    return column in this.cells;
  }

  /** Text of a cell; numbers become their digits (a phone typed as a number), booleans 是/否. */
  text(
    column: string,
    options: { required?: boolean; max?: number; label?: { zh: string; en: string } } = {},
  ): string | null | undefined {
    if (!this.has(column)) {
      if (options.required) this.problem(column, '缺少必填列', 'the required column is missing');
      return undefined;
    }
    const cell = this.cells[column] ?? null;
    let value: string | null;
    if (cell === null) value = null;
    else if (typeof cell === 'string') value = cell.trim() === '' ? null : cell.trim();
    else if (typeof cell === 'number') {
      if (!Number.isSafeInteger(cell)) {
        // an 18-digit ID number typed as a number has already lost its last digits in Excel
        this.problem(
          column,
          '数字位数过多或含小数，请将该列设为文本格式',
          'the number is too long or not whole: format the column as text',
        );
        return null;
      }
      value = String(cell);
    } else if (typeof cell === 'boolean') value = cell ? '是' : '否';
    else value = cell.toISOString().slice(0, 10);
    if (value === null) {
      if (options.required) this.problem(column, '必填', 'required');
      return null;
    }
    if (options.max !== undefined && [...value].length > options.max) {
      this.problem(column, `不能超过 ${options.max} 个字符`, `at most ${options.max} characters`);
      return null;
    }
    return value;
  }

  date(column: string, options: { required?: boolean } = {}): string | null | undefined {
    if (!this.has(column)) {
      if (options.required) this.problem(column, '缺少必填列', 'the required column is missing');
      return undefined;
    }
    const cell = this.cells[column] ?? null;
    if (cell === null || (typeof cell === 'string' && cell.trim() === '')) {
      if (options.required) this.problem(column, '必填', 'required');
      return null;
    }
    const value = dateOf(cell);
    if (value === undefined) {
      this.problem(column, '日期格式应为 YYYY-MM-DD', 'a date is written YYYY-MM-DD');
      return null;
    }
    return value;
  }

  /** One of the allowed labels (Chinese or English or the stored key), as its key. */
  choice<K extends string>(
    column: string,
    choices: Record<K, { zh: string; en: string }>,
    options: { required?: boolean } = {},
  ): K | null | undefined {
    const value = this.text(column, options);
    if (value === null || value === undefined) return value;
    const wanted = value.toLowerCase();
    for (const [key, label] of Object.entries(choices) as [K, { zh: string; en: string }][]) {
      if (key.toLowerCase() === wanted || label.zh === value || label.en.toLowerCase() === wanted) return key;
    }
    const allowed = Object.values<{ zh: string; en: string }>(choices);
    this.problem(
      column,
      `「${value}」不是可选值（${allowed.map((label) => label.zh).join('、')}）`,
      `"${value}" is not one of ${allowed.map((label) => label.en).join(', ')}`,
    );
    return null;
  }

  /** A list written in one cell, separated by 、 , ， ; ； or new lines. */
  list(column: string, options: { max?: number; itemMax?: number } = {}): string[] | undefined {
    const value = this.text(column);
    if (value === undefined) return undefined;
    if (value === null) return [];
    const items = [
      ...new Set(
        value
          .split(/[、,，;；\n]+/)
          .map((item) => item.trim())
          .filter(Boolean),
      ),
    ];
    if (options.max !== undefined && items.length > options.max) {
      this.problem(column, `最多 ${options.max} 项`, `at most ${options.max} items`);
    }
    if (options.itemMax !== undefined && items.some((item) => [...item].length > options.itemMax!)) {
      this.problem(
        column,
        `每项不能超过 ${options.itemMax} 个字符`,
        `each item has at most ${options.itemMax} characters`,
      );
    }
    return items;
  }
}

/** Sort problems by row, then by the column order of the sheet. */
export function sortProblems(problems: RowProblem[], columnOrder: string[]): RowProblem[] {
  const rank = new Map(columnOrder.map((key, i) => [key, i]));
  return [...problems].sort(
    (a, b) => a.row - b.row || (rank.get(a.column) ?? -1) - (rank.get(b.column) ?? -1),
  );
}
