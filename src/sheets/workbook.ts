/**
 * The .xlsx side of the sheets (exceljs): templates with Chinese headers, English and the example in each
 * header's note, drop-downs for choices and column widths; exports in the same layout; and reading a file back
 * into cells keyed by column key, accepting headers in Chinese or English.
 */
import ExcelJS from 'exceljs';
import type { AnySheet } from './registry.js';
import type { Cell, RowProblem, SheetColumn } from './types.js';

/** Rows that carry the drop-down lists in a template (an export covers its own rows). */
const TEMPLATE_ROWS = 5000;
const CHOICES_SHEET = '可选值 Choices';
const HEADER_FILL: ExcelJS.Fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFD9E7F5' } };

function columnLetter(index: number): string {
  let n = index + 1;
  let out = '';
  while (n > 0) {
    const rest = (n - 1) % 26;
    out = String.fromCharCode(65 + rest) + out;
    n = Math.floor((n - 1) / 26);
  }
  return out;
}

function headerNote(column: SheetColumn): string {
  return [
    `${column.header.en}${column.required ? ' (required 必填)' : ''}`,
    ...(column.note ? [column.note.zh, column.note.en] : []),
    ...(column.example ? [`示例 Example: ${column.example}`] : []),
    ...(column.choices ? [`可选 Choices: ${column.choices.join(' / ')}`] : []),
  ].join('\n');
}

/** A workbook with the sheet's header row (and drop-downs over `rows` data rows) ready for data. */
function workbookFor(
  definition: AnySheet,
  rows: number,
): { workbook: ExcelJS.Workbook; sheet: ExcelJS.Worksheet } {
  const workbook = new ExcelJS.Workbook();
  workbook.creator = 'gezhi 格治';
  const sheet = workbook.addWorksheet(definition.title.zh.slice(0, 31), {
    views: [{ state: 'frozen', ySplit: 1 }],
  });
  sheet.columns = definition.columns.map((column: SheetColumn) => ({
    key: column.key,
    width: column.width ?? Math.max(10, [...column.header.zh].length * 2 + 4),
    // text format keeps ID numbers and phones from becoming numbers that lose digits
    style: { numFmt: '@' },
  }));
  const header = sheet.getRow(1);
  definition.columns.forEach((column: SheetColumn, i: number) => {
    const cell = header.getCell(i + 1);
    cell.value = column.header.zh;
    cell.note = headerNote(column);
    cell.font = { bold: true, color: column.required ? { argb: 'FFC00000' } : undefined };
    cell.fill = HEADER_FILL;
  });
  const withChoices = definition.columns
    .map((column: SheetColumn, i: number) => ({ column, i }))
    .filter(({ column }: { column: SheetColumn }) => column.choices && column.choices.length > 0);
  if (withChoices.length > 0) {
    // lists live on a hidden sheet: an inline list is limited to 255 characters
    const choices = workbook.addWorksheet(CHOICES_SHEET, { state: 'hidden' });
    withChoices.forEach(({ column, i }: { column: SheetColumn; i: number }, n: number) => {
      const letter = columnLetter(n);
      choices.getCell(`${letter}1`).value = column.header.zh;
      column.choices!.forEach((choice, k) => {
        choices.getCell(`${letter}${k + 2}`).value = choice;
      });
      const target = columnLetter(i);
      // exceljs accepts a range here, but its typings only know single cells
      (
        sheet as unknown as {
          dataValidations: { add(range: string, rule: ExcelJS.DataValidation): void };
        }
      ).dataValidations.add(`${target}2:${target}${rows + 1}`, {
        type: 'list',
        allowBlank: !column.required,
        formulae: [`'${CHOICES_SHEET}'!$${letter}$2:$${letter}$${column.choices!.length + 1}`],
        showErrorMessage: true,
        errorTitle: '不在可选值中 Not a choice',
        error: column.choices!.join(' / '),
      });
    });
  }
  return { workbook, sheet };
}

/** The downloadable template: header row, notes, drop-downs, and an instructions sheet with an example row. */
export async function templateOf(definition: AnySheet): Promise<Buffer> {
  const { workbook } = workbookFor(definition, TEMPLATE_ROWS);
  const help = workbook.addWorksheet('说明 Instructions');
  help.columns = [
    { header: '列 Column', key: 'zh', width: 18 },
    { header: 'Column', key: 'en', width: 22 },
    { header: '必填 Required', key: 'required', width: 14 },
    { header: '示例 Example', key: 'example', width: 26 },
    { header: '说明 Note', key: 'note', width: 60 },
  ];
  help.getRow(1).font = { bold: true };
  for (const column of definition.columns as SheetColumn[]) {
    help.addRow({
      zh: column.header.zh,
      en: column.header.en,
      required: column.required ? '是 yes' : '',
      example: column.example ?? '',
      note: [
        column.note?.zh,
        column.note?.en,
        column.choices ? `可选 Choices: ${column.choices.join(' / ')}` : '',
      ]
        .filter(Boolean)
        .join('\n'),
    });
  }
  help.addRow({});
  help.addRow({
    zh: '第一个工作表的第 1 行是表头（中文或英文均可），数据从第 2 行开始；导入时任何一行有错都不会写入。',
    en: 'Row 1 of the first sheet is the header (Chinese or English); data starts in row 2. Nothing is written while any row has a problem.',
  });
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

/** An export: the template's layout with the rows filled in. */
export async function workbookOf(definition: AnySheet, rows: Record<string, Cell>[]): Promise<Buffer> {
  const { workbook, sheet } = workbookFor(definition, Math.max(rows.length, 1));
  for (const row of rows) sheet.addRow(row);
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

/** Normalise a header for matching: no spaces, no required mark, lower case. */
function headerKey(text: string): string {
  return text.replace(/[\s*＊:：]/g, '').toLowerCase();
}

function cellOf(value: ExcelJS.CellValue): Cell {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string') return value.trim() === '' ? null : value.trim();
  if (typeof value === 'number' || typeof value === 'boolean') return value;
  if (value instanceof Date) return value;
  if (typeof value === 'object') {
    if ('richText' in value) return cellOf(value.richText.map((part) => part.text).join(''));
    if ('formula' in value || 'sharedFormula' in value) {
      return cellOf((value as ExcelJS.CellFormulaValue).result as ExcelJS.CellValue);
    }
    if ('text' in value && 'hyperlink' in value) return cellOf(value.text as ExcelJS.CellValue);
    if ('error' in value) return null;
  }
  return String(value as unknown);
}

export interface ReadSheet {
  /** Data rows with their spreadsheet row number; absent columns are absent keys. */
  rows: { row: number; cells: Record<string, Cell> }[];
  /** Problems of the header row (unknown or missing columns). */
  problems: RowProblem[];
}

/** Read the first worksheet of an .xlsx: match the header row to the columns, collect the data rows. */
export async function readSheet(definition: AnySheet, buffer: Buffer): Promise<ReadSheet> {
  const workbook = new ExcelJS.Workbook();
  try {
    await workbook.xlsx.load(buffer as unknown as ArrayBuffer);
  } catch {
    throw new SheetFileError();
  }
  const sheet = workbook.worksheets.find((candidate) => candidate.state !== 'hidden');
  if (!sheet) throw new SheetFileError();
  const problems: RowProblem[] = [];
  const byHeader = new Map<string, SheetColumn>();
  for (const column of definition.columns as SheetColumn[]) {
    for (const label of [
      column.header.zh,
      column.header.en,
      column.key,
      `${column.header.zh}${column.header.en}`,
    ]) {
      byHeader.set(headerKey(label), column);
    }
  }
  const positions: { index: number; key: string }[] = [];
  const seen = new Set<string>();
  sheet.getRow(1).eachCell({ includeEmpty: false }, (cell, index) => {
    const text = String(cellOf(cell.value) ?? '');
    if (text === '') return;
    // "姓名\nName" or "姓名 (Name)": either line or part may name the column
    const candidates = [text, ...text.split(/[\n/()（）]+/)].map(headerKey).filter(Boolean);
    const column = candidates.map((candidate) => byHeader.get(candidate)).find(Boolean);
    if (!column) {
      problems.push({ row: 1, column: text, zh: `无法识别的列「${text}」`, en: `unknown column "${text}"` });
      return;
    }
    if (seen.has(column.key)) {
      problems.push({ row: 1, column: column.key, zh: '列重复', en: 'the column appears twice' });
      return;
    }
    seen.add(column.key);
    positions.push({ index, key: column.key });
  });
  for (const column of definition.columns as SheetColumn[]) {
    if (column.required && !seen.has(column.key)) {
      problems.push({
        row: 1,
        column: column.key,
        zh: `缺少必填列「${column.header.zh}」`,
        en: `the required column "${column.header.en}" is missing`,
      });
    }
  }
  const rows: ReadSheet['rows'] = [];
  sheet.eachRow({ includeEmpty: false }, (row, number) => {
    if (number === 1) return;
    const cells: Record<string, Cell> = {};
    let empty = true;
    for (const { index, key } of positions) {
      const value = cellOf(row.getCell(index).value);
      cells[key] = value;
      if (value !== null) empty = false;
    }
    if (!empty) rows.push({ row: number, cells });
  });
  return { rows, problems };
}

export class SheetFileError extends Error {
  constructor() {
    super('not a readable .xlsx file');
  }
}
