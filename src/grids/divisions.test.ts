import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { asc, eq, sql } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { auditLog } from '../core/audit.js';
import { ManualClock } from '../core/clock.js';
import type { Database } from '../core/db.js';
import { buildGrid } from '../../test/factories.js';
import { buildTestServices, freshDatabase } from '../../test/helpers.js';
import { DIVISION_FILES, DivisionFileError, importDivisions, type DivisionProblem } from './divisions.js';
import { grids } from './tables.js';

const fixture = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../test/fixtures/divisions');

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function database(): Promise<Database> {
  const opened = await freshDatabase();
  cleanups.push(() => opened.close());
  return opened;
}

/** A copy of the fixture in a temporary folder, with the files changed by `edit` (file name → text). */
function fixtureCopy(edit: (files: Map<string, string>) => void): string {
  const files = new Map(
    DIVISION_FILES.map((spec) => [spec.file, fs.readFileSync(path.join(fixture, spec.file), 'utf8')]),
  );
  edit(files);
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'gezhi-divisions-'));
  cleanups.push(() => fs.rmSync(folder, { recursive: true, force: true }));
  for (const [file, text] of files) fs.writeFileSync(path.join(folder, file), text);
  return folder;
}

function replaceLine(files: Map<string, string>, file: string, from: string, to: string): void {
  const text = files.get(file)!;
  if (!text.includes(from)) throw new Error(`${file} has no "${from}"`);
  files.set(file, text.replace(from, to));
}

async function allGrids(db: Database['db']) {
  return db.select().from(grids).orderBy(asc(grids.code));
}

async function importFailure(db: Database, folder: string): Promise<DivisionFileError> {
  const failure = await importDivisions(db, folder).then(
    () => undefined,
    (error: unknown) => error,
  );
  expect(failure).toBeInstanceOf(DivisionFileError);
  return failure as DivisionFileError;
}

function problemAt(
  problems: DivisionProblem[],
  file: string,
  line: number | null,
): DivisionProblem | undefined {
  return problems.find((problem) => problem.file === file && problem.line === line);
}

describe('importing the statistical division codes', () => {
  it('creates one grid per row, at the level of its file', async () => {
    const db = await database();
    const result = await importDivisions(db, fixture, { batchSize: 4 });

    expect(result).toMatchObject({
      created: 50,
      updated: 0,
      unchanged: 0,
      byLevel: { province: 2, city: 3, district: 5, street: 8, community: 32 },
    });
    const levels = await db.db
      .select({ level: grids.level, count: sql<number>`count(*)::int` })
      .from(grids)
      .groupBy(grids.level);
    expect(Object.fromEntries(levels.map((row) => [row.level, row.count]))).toEqual({
      province: 2,
      city: 3,
      district: 5,
      street: 8,
      community: 32,
    });
    const [youyi] = await db.db.select().from(grids).where(eq(grids.code, '310113003'));
    expect(youyi).toMatchObject({ name: '友谊路街道', level: 'street', attributes: { source: 'division' } });
  });

  it("links every grid to its parent and gives it the parent's path plus its own id", async () => {
    const db = await database();
    await importDivisions(db, fixture, { batchSize: 7 });
    const rows = await allGrids(db.db);
    const byId = new Map(rows.map((row) => [row.id, row]));
    const byCode = new Map(rows.map((row) => [row.code, row]));

    for (const row of rows) {
      if (row.level === 'province') {
        expect(row).toMatchObject({ parentId: null, depth: 0, path: `/${row.id}/` });
        continue;
      }
      const parent = byId.get(row.parentId!)!;
      expect(row.code.startsWith(parent.code), `${row.code} under ${parent.code}`).toBe(true);
      expect(row.depth).toBe(parent.depth + 1);
      expect(row.path).toBe(`${parent.path}${row.id}/`);
    }
    const chain = ['31', '3101', '310113', '310113003', '310113003001'].map((code) => byCode.get(code)!.id);
    const village = byCode.get('310113003001')!;
    expect(village).toMatchObject({ name: '宝钢一村居委会', level: 'community', depth: 4 });
    expect(village.path).toBe(`/${chain.join('/')}/`);
  });

  it('changes nothing when the same files are imported again', async () => {
    const db = await database();
    const clock = new ManualClock('2026-11-25T08:00:00+08:00');
    await importDivisions(db, fixture, { clock });
    const before = await allGrids(db.db);
    clock.advance(3600_000);

    const again = await importDivisions(db, fixture, { clock, batchSize: 3 });

    expect(again).toMatchObject({ created: 0, updated: 0, unchanged: 50, descendantsMoved: 0 });
    const after = await allGrids(db.db);
    expect(after.map((row) => [row.code, row.revision, row.updatedAt.toISOString(), row.path])).toEqual(
      before.map((row) => [row.code, row.revision, row.updatedAt.toISOString(), row.path]),
    );
    const audits = await db.db.select().from(auditLog).where(eq(auditLog.action, 'grid.import_divisions'));
    expect(audits.map((audit) => audit.detail)).toMatchObject([
      { created: 50, updated: 0, unchanged: 0 },
      { created: 0, updated: 0, unchanged: 50 },
    ]);
  });

  it('updates exactly the row whose name changed, with a new revision', async () => {
    const db = await database();
    const clock = new ManualClock('2026-11-25T08:00:00+08:00');
    await importDivisions(db, fixture, { clock });
    const before = await allGrids(db.db);
    const renamed = fixtureCopy((files) =>
      replaceLine(files, 'villages.csv', '310113003002,"宝钢二村居委会"', '310113003002,"宝钢二村新居委会"'),
    );
    clock.advance(86_400_000);

    const result = await importDivisions(db, renamed, { clock });

    expect(result).toMatchObject({ created: 0, updated: 1, unchanged: 49 });
    const after = await allGrids(db.db);
    const changed = after.filter((row, index) => row.revision !== before[index]!.revision);
    expect(changed.map((row) => [row.code, row.name, row.path])).toEqual([
      ['310113003002', '宝钢二村新居委会', before.find((row) => row.code === '310113003002')!.path],
    ]);
    expect(changed[0]!.updatedAt.toISOString()).toBe(clock.now().toISOString());
  });

  it('rejects a file without its parent column, naming the file and the header line', async () => {
    const db = await database();
    const folder = fixtureCopy((files) =>
      replaceLine(files, 'cities.csv', 'code,name,provinceCode', 'code,name,province'),
    );

    const failure = await importFailure(db, folder);

    expect(problemAt(failure.problems, 'cities.csv', 1)?.en).toMatch(/provinceCode missing/);
    expect(await db.db.$count(grids)).toBe(0);
  });

  it('rejects a village whose street is missing, a 5-digit district code and a duplicate, each with its line', async () => {
    const db = await database();
    const folder = fixtureCopy((files) => {
      // line 3 of streets.csv: 310101013 外滩街道 disappears, so its villages (lines 19–21) lose their street
      replaceLine(files, 'streets.csv', '310101013,"外滩街道",310101,31,3101\n', '');
      replaceLine(files, 'areas.csv', '320211,"滨湖区"', '32021,"滨湖区"');
      replaceLine(files, 'villages.csv', '320205001004,"春星社区居委会"', '320205001002,"春星社区居委会"');
    });

    const failure = await importFailure(db, folder);

    const { problems } = failure;
    expect(problemAt(problems, 'villages.csv', 19)?.en).toBe('parent "310101013" is not in streets.csv');
    expect(problemAt(problems, 'villages.csv', 21)?.en).toBe('parent "310101013" is not in streets.csv');
    expect(problemAt(problems, 'areas.csv', 6)?.en).toBe('code "32021" must be 6 digits');
    expect(problemAt(problems, 'villages.csv', 31)?.en).toBe('code "320205001002" is a duplicate of line 30');
    // the street of 滨湖区 names a district code that no longer exists
    expect(problemAt(problems, 'streets.csv', 8)?.en).toBe('parent "320211" is not in areas.csv');
    expect(failure.problemCount).toBe(problems.length);
    expect(failure.status).toBe(422);
    expect(await db.db.$count(grids)).toBe(0);
    expect(await db.db.$count(auditLog)).toBe(0);
  });

  it('rejects a missing file and a code that does not extend its parent, and writes nothing', async () => {
    const db = await database();
    await importDivisions(db, fixture);
    const count = await db.db.$count(grids);
    const folder = fixtureCopy((files) => {
      replaceLine(files, 'cities.csv', '3202,"无锡市",32', '3302,"无锡市",32');
      files.delete('villages.csv');
    });

    const failure = await importFailure(db, folder);

    expect(failure.problems.map((problem) => [problem.file, problem.line, problem.en])).toEqual(
      expect.arrayContaining([
        ['villages.csv', null, 'the file is missing'],
        ['cities.csv', 4, 'code "3302" does not extend its parent\'s code "32"'],
      ]),
    );
    expect(await db.db.$count(grids)).toBe(count);
  });

  it('adopts a grid made by hand with a division code, moving its children along', async () => {
    const { services, database: db, close } = await buildTestServices();
    cleanups.push(close);
    const baoshan = await buildGrid(services, { code: '310113', name: '宝山区（演示）', level: 'district' });
    const microGrid = await buildGrid(services, {
      code: 'BS-001',
      name: '友谊一村一号网格',
      parentCode: '310113',
    });
    const inner = await buildGrid(services, { code: 'BS-001-A', name: '一号楼片', parentCode: 'BS-001' });

    const result = await importDivisions(db, fixture);

    expect(result).toMatchObject({ created: 49, updated: 1, unchanged: 0, descendantsMoved: 2 });
    const byCode = new Map((await allGrids(db.db)).map((row) => [row.code, row]));
    const adopted = byCode.get('310113')!;
    const city = byCode.get('3101')!;
    expect(adopted).toMatchObject({
      id: baoshan.id,
      name: '宝山区',
      level: 'district',
      parentId: city.id,
      depth: 2,
      path: `${city.path}${baoshan.id}/`,
    });
    expect(adopted.revision).toBeGreaterThan(baoshan.revision);
    expect(byCode.get('BS-001')).toMatchObject({
      parentId: baoshan.id,
      depth: 3,
      path: `${adopted.path}${microGrid.id}/`,
    });
    expect(byCode.get('BS-001-A')).toMatchObject({
      depth: 4,
      path: `${adopted.path}${microGrid.id}/${inner.id}/`,
    });
    expect(byCode.get('310113003')).toMatchObject({
      parentId: baoshan.id,
      path: `${adopted.path}${byCode.get('310113003')!.id}/`,
    });

    const again = await importDivisions(db, fixture);
    expect(again).toMatchObject({ created: 0, updated: 0, unchanged: 50, descendantsMoved: 0 });
  });
});
