/**
 * Spreadsheet import (issue 4 item 8): a generated 20,000-row persons .xlsx through the sheet service — parse
 * (exceljs + parseRow), check (grids, ID numbers, households in one pass) and write (one transaction) — then the
 * same file again (every row unchanged) and an unmasked export, on PGlite and, with BENCH_DATABASE_URL, on
 * PostgreSQL.
 *
 *   npx tsx bench/sheets.ts [rows=20000]
 *   BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres npx tsx bench/sheets.ts
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import ExcelJS from 'exceljs';
import { buildServices } from '../src/app.js';
import { systemActor } from '../src/core/audit.js';
import { loadConfig } from '../src/core/config.js';
import { migrate, openDatabase, type Database } from '../src/core/db.js';
import type { GridFeature } from '../src/grids/service.js';
import { makeIdNumber } from '../src/people/identity.js';
import type { SheetStage } from '../src/sheets/service.js';
import { freshPostgres } from './import.js';
import { formatDuration, formatNumber, printTable, progress, type Row } from './util.js';

const STREET = '310113099';
const MICRO_GRIDS = 40;
const SURNAMES = '王李张刘陈杨黄赵吴周徐孙马朱胡郭何林高罗';
const GIVEN = '伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华';

function microGrid(i: number): string {
  return `${STREET}${String(i + 1).padStart(3, '0')}`;
}

function grids(): GridFeature[] {
  const feature = (code: string, level: string, parentCode: string | null, name: string): GridFeature => ({
    type: 'Feature',
    geometry: null,
    properties: { code, name, level, parentCode },
  });
  return [
    feature('310113', 'district', null, '宝山区'),
    feature(STREET, 'street', '310113', '基准街道'),
    ...Array.from({ length: MICRO_GRIDS }, (_, i) =>
      feature(microGrid(i), 'microGrid', STREET, `微网格${i + 1}`),
    ),
  ];
}

/** A persons sheet of `rows` residents: valid ID numbers, phones, households of about 2.5, tags. */
export async function personsWorkbook(rows: number): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet('人员信息');
  sheet.addRow(['姓名', '身份证号', '手机号', '住址', '政治面貌', '网格编码', '户号', '户主', '标签']);
  for (let i = 0; i < rows; i += 1) {
    const year = 1930 + (i % 90);
    const month = String(1 + (i % 12)).padStart(2, '0');
    const day = String(1 + (i % 28)).padStart(2, '0');
    const household = Math.floor(i / 2.5);
    sheet.addRow([
      `${SURNAMES[i % SURNAMES.length]}${GIVEN[(i * 7) % GIVEN.length]}${GIVEN[(i * 13) % GIVEN.length]}`,
      makeIdNumber(String(310113 + Math.floor(i / 1000)), `${year}-${month}-${day}`, i % 1000),
      i % 3 === 0 ? null : `13${String(900000000 + i).padStart(9, '0')}`,
      `友谊路${1 + (household % 400)}弄${1 + (household % 30)}号`,
      i % 11 === 0 ? '中共党员' : '群众',
      microGrid(household % MICRO_GRIDS),
      `H${household}`,
      i % 5 === 0 || i % 5 === 3 ? '是' : '否',
      i % 7 === 0 ? '志愿者' : null,
    ]);
  }
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

async function run(
  engine: 'PGlite' | 'PostgreSQL',
  database: Database,
  file: Buffer,
  rows: number,
): Promise<Row[]> {
  await migrate(database);
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'gezhi-bench-sheets-'));
  const config = {
    ...loadConfig({}),
    dataDir,
    logLevel: 'silent',
    demo: false,
    dataKey: Buffer.alloc(32, 9).toString('base64'),
  };
  const services = await buildServices({ config, database });
  try {
    await services.grids.importFeatures({ type: 'FeatureCollection', features: grids() }, systemActor);
    const account = await services.accounts.createUser(
      {
        username: 'bench-admin',
        displayName: 'bench',
        password: 'bench-password-1',
        roles: ['admin'],
        grids: [],
      },
      systemActor,
    );
    const { userByName } = await import('../src/sheets/command.js');
    const user = await userByName(services, account.username);
    const out: Row[] = [];
    for (const pass of ['first import', 'same file again'] as const) {
      let last = '';
      const started = performance.now();
      const result = await services.sheets.import('persons', file, user, {
        onProgress: (stage: SheetStage, done: number, total: number) => {
          const line = `${engine} ${pass}: ${stage} ${Math.floor((done / Math.max(total, 1)) * 4) * 25}%`;
          if (line !== last) progress(line);
          last = line;
        },
      });
      const wall = performance.now() - started;
      out.push({
        engine,
        run: pass,
        rows: formatNumber(result.rows),
        parse: formatDuration(result.timings.parseMs),
        check: formatDuration(result.timings.checkMs),
        write: formatDuration(result.timings.writeMs),
        total: formatDuration(wall),
        'rows/s': formatNumber(rows / (wall / 1000)),
        'created / updated / unchanged': `${result.created} / ${result.updated} / ${result.unchanged}`,
      });
    }
    progress(`${engine}: export`);
    const started = performance.now();
    const exported = await services.sheets.export('persons', user, true);
    const wall = performance.now() - started;
    out.push({
      engine,
      run: 'export (unmasked, audited)',
      rows: formatNumber(exported.rows),
      total: formatDuration(wall),
      'rows/s': formatNumber(exported.rows / (wall / 1000)),
    });
    return out;
  } finally {
    await services.grids.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

export async function runSheetsBench(rows = 20_000): Promise<Row[]> {
  progress(`generating a ${formatNumber(rows)}-row persons workbook`);
  const file = await personsWorkbook(rows);
  progress(`workbook: ${(file.length / 1024 / 1024).toFixed(1)} MB`);
  const out: Row[] = [];
  const pglite = await openDatabase({});
  try {
    out.push(...(await run('PGlite', pglite, file, rows)));
  } finally {
    await pglite.close();
  }
  const url = process.env.BENCH_DATABASE_URL;
  if (url) {
    const { database, drop } = await freshPostgres(url);
    try {
      out.push(...(await run('PostgreSQL', database, file, rows)));
    } finally {
      await drop();
    }
  }
  return out;
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  const rows = Number(process.argv[2] ?? 20_000);
  printTable(
    `Persons sheet import (${formatNumber(rows)} rows, one transaction)`,
    await runSheetsBench(rows),
  );
}
