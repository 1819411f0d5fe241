/**
 * Reading the 12345 hotline's exports: CSV (UTF-8, or GBK/GB18030 as the hotline systems write it) and .xlsx. The
 * first row holds Chinese headers; each is matched against the column mapping below, tolerant of the variants the
 * different hotline systems use (工单号/工单编号, 来电内容/诉求内容 …), of spaces, of a trailing "*" and of a
 * parenthesised note ("经度(WGS84)").
 */
import { parse } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import { AppError } from '../core/errors.js';

export type HotlineColumn =
  | 'ticket'
  | 'calledAt'
  | 'title'
  | 'content'
  | 'category'
  | 'address'
  | 'lng'
  | 'lat'
  | 'callerName'
  | 'callerPhone'
  | 'dueAt';

/**
 * The column mapping (documented in the README): the first header is the one the export writes back; the others are
 * accepted on import. Headers are compared after removing spaces, "*" and anything in brackets.
 */
export const HOTLINE_COLUMNS: Record<HotlineColumn, { headers: string[]; en: string; required?: boolean }> = {
  ticket: {
    headers: ['工单编号', '工单号', '工单编码', '受理编号', '热线工单号'],
    en: 'ticket number',
    required: true,
  },
  calledAt: { headers: ['来电时间', '受理时间', '登记时间', '创建时间', '来电日期'], en: 'call time' },
  title: { headers: ['标题', '诉求标题', '工单标题', '主题'], en: 'title' },
  content: {
    headers: ['诉求内容', '来电内容', '内容', '问题描述', '诉求描述', '工单内容', '反映内容'],
    en: 'complaint',
  },
  category: { headers: ['问题分类', '诉求分类', '分类', '问题类别', '事项分类', '诉求类型'], en: 'category' },
  address: { headers: ['地址', '事发地址', '发生地址', '诉求地址', '事发地点', '问题地址'], en: 'address' },
  lng: { headers: ['经度', 'lng', 'longitude', 'x坐标'], en: 'longitude' },
  lat: { headers: ['纬度', 'lat', 'latitude', 'y坐标'], en: 'latitude' },
  callerName: { headers: ['来电人', '来电人姓名', '联系人', '诉求人', '姓名'], en: 'caller' },
  callerPhone: { headers: ['联系电话', '来电号码', '联系方式', '电话', '手机号码'], en: 'phone' },
  dueAt: { headers: ['办理时限', '处理时限', '办结时限', '截止时间', '要求办结时间'], en: 'due by' },
};

export function normaliseHeader(header: string): string {
  return header
    .replace(/[(（][^)）]*[)）]/g, '')
    .replace(/[\s*＊\u3000]/g, '')
    .toLowerCase();
}

const headerIndex = new Map<string, HotlineColumn>(
  (Object.entries(HOTLINE_COLUMNS) as [HotlineColumn, { headers: string[] }][]).flatMap(([key, column]) =>
    column.headers.map((header) => [normaliseHeader(header), key] as [string, HotlineColumn]),
  ),
);

export type RawCell = string | number | Date | null;

/** One data row: its row number in the file (1 = the header row) and its cells by column. */
export interface RawRow {
  row: number;
  cells: Partial<Record<HotlineColumn, RawCell>>;
}

export interface HotlineFile {
  format: 'csv' | 'xlsx';
  /** For CSV: the encoding detected. */
  encoding: 'utf-8' | 'gb18030' | null;
  /** Headers that matched no column (ignored, reported to the caller). */
  ignored: string[];
  rows: RawRow[];
}

function fileError(zh: string, en: string): AppError {
  return new AppError(422, 'hotline_file_unreadable', zh, en);
}

/**
 * UTF-8 when the bytes are valid UTF-8 (with or without BOM); otherwise GB18030, the superset of GBK and GB2312 that
 * the 12345 systems export. A GBK file is practically never valid UTF-8 (its lead bytes 0x81–0xFE are followed by
 * bytes that UTF-8 forbids there), so the order of the tries decides nothing for real files.
 */
export function decodeText(bytes: Buffer): { text: string; encoding: 'utf-8' | 'gb18030' } {
  try {
    const text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes);
    return { text, encoding: 'utf-8' };
  } catch {
    return { text: new TextDecoder('gb18030').decode(bytes), encoding: 'gb18030' };
  }
}

function mapHeaders(headers: string[]): { columns: (HotlineColumn | null)[]; ignored: string[] } {
  const ignored: string[] = [];
  const seen = new Set<HotlineColumn>();
  const columns = headers.map((header) => {
    const key = headerIndex.get(normaliseHeader(header));
    if (!key || seen.has(key)) {
      if (header.trim() !== '') ignored.push(header.trim());
      return null;
    }
    seen.add(key);
    return key;
  });
  if (!seen.has('ticket')) {
    throw fileError(
      `文件第 1 行缺少「工单编号」列（可用表头：${HOTLINE_COLUMNS.ticket.headers.join('、')}）`,
      `Row 1 of the file has no ticket-number column (accepted headers: ${HOTLINE_COLUMNS.ticket.headers.join(', ')})`,
    );
  }
  if (!seen.has('content') && !seen.has('title')) {
    throw fileError(
      '文件第 1 行缺少「诉求内容」或「标题」列',
      'Row 1 of the file has neither a complaint nor a title column',
    );
  }
  return { columns, ignored };
}

function rowsOf(records: RawCell[][], firstRow: number): { rows: RawRow[]; ignored: string[] } {
  const [header, ...data] = records;
  if (!header) throw fileError('文件是空的', 'The file is empty');
  const { columns, ignored } = mapHeaders(header.map((cell) => (cell === null ? '' : String(cell))));
  const rows: RawRow[] = [];
  data.forEach((record, i) => {
    const cells: RawRow['cells'] = {};
    let any = false;
    columns.forEach((key, c) => {
      if (!key) return;
      let value = record[c] ?? null;
      if (typeof value === 'string') value = value.trim() === '' ? null : value.trim();
      if (value !== null) any = true;
      cells[key] = value;
    });
    // blank lines at the end of an export are not rows
    if (any) rows.push({ row: firstRow + 1 + i, cells });
  });
  return { rows, ignored };
}

function cellValue(value: ExcelJS.CellValue): RawCell {
  if (value === null || value === undefined) return null;
  if (value instanceof Date || typeof value === 'number' || typeof value === 'string') return value;
  if (typeof value === 'boolean') return String(value);
  if (typeof value === 'object') {
    if ('result' in value) return cellValue(value.result as ExcelJS.CellValue);
    if ('richText' in value) return value.richText.map((part) => part.text).join('');
    if ('text' in value) return String(value.text);
  }
  return String(value);
}

/** Reads a hotline export: .xlsx by its zip signature, CSV otherwise. */
export async function readHotlineFile(bytes: Buffer): Promise<HotlineFile> {
  if (bytes.length >= 4 && bytes[0] === 0x50 && bytes[1] === 0x4b) {
    const workbook = new ExcelJS.Workbook();
    try {
      await workbook.xlsx.load(bytes as unknown as ArrayBuffer);
    } catch {
      throw fileError('无法读取该 Excel 文件（需 .xlsx）', 'The Excel file cannot be read (.xlsx expected)');
    }
    const sheet = workbook.worksheets.find((candidate) => candidate.state !== 'hidden');
    if (!sheet) throw fileError('Excel 文件中没有工作表', 'The workbook has no sheet');
    const records: RawCell[][] = [];
    const width = sheet.columnCount;
    sheet.eachRow({ includeEmpty: true }, (row, number) => {
      const cells: RawCell[] = [];
      for (let c = 1; c <= width; c++) cells.push(cellValue(row.getCell(c).value));
      records[number - 1] = cells;
    });
    for (let i = 0; i < records.length; i++) records[i] ??= [];
    const { rows, ignored } = rowsOf(records, 1);
    return { format: 'xlsx', encoding: null, ignored, rows };
  }
  if (bytes.length >= 8 && bytes.readUInt32BE(0) === 0xd0cf11e0) {
    throw fileError(
      '不支持旧版 .xls 文件，请另存为 .xlsx 或 CSV',
      'Old .xls files are not supported; save it as .xlsx or CSV',
    );
  }
  const { text, encoding } = decodeText(bytes);
  let records: string[][];
  try {
    records = parse(text.replace(/^\uFEFF/, ''), {
      relax_column_count: true,
      skip_empty_lines: false,
      bom: true,
    }) as string[][];
  } catch (error) {
    throw fileError(
      `CSV 文件格式有误：${(error as Error).message}`,
      `The CSV file is malformed: ${(error as Error).message}`,
    );
  }
  const { rows, ignored } = rowsOf(records, 1);
  return { format: 'csv', encoding, ignored, rows };
}

let gbkTable: Map<string, number> | null = null;

/**
 * GBK encoding without a dependency: Node decodes GB18030 but does not encode it, so the table is built once by
 * decoding every two-byte GBK code. Characters outside GBK become "?" (the hotline systems read GBK only).
 */
export function encodeGbk(text: string): Buffer {
  if (!gbkTable) {
    gbkTable = new Map();
    const decoder = new TextDecoder('gb18030');
    const pair = new Uint8Array(2);
    for (let lead = 0x81; lead <= 0xfe; lead++) {
      for (let trail = 0x40; trail <= 0xfe; trail++) {
        if (trail === 0x7f) continue;
        pair[0] = lead;
        pair[1] = trail;
        const char = decoder.decode(pair);
        if (char.length === 1 && char !== '\ufffd' && !gbkTable.has(char))
          gbkTable.set(char, (lead << 8) | trail);
      }
    }
  }
  const out: number[] = [];
  for (const char of text) {
    const code = char.codePointAt(0)!;
    if (code < 0x80) {
      out.push(code);
      continue;
    }
    const pairCode = gbkTable.get(char);
    if (pairCode === undefined) out.push(0x3f);
    else out.push(pairCode >> 8, pairCode & 0xff);
  }
  return Buffer.from(out);
}

/** One CSV field: quoted when it holds a comma, quote or line break. */
export function csvField(value: string | number | null): string {
  if (value === null) return '';
  const text = String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}
