/**
 * Helpers shared by the benchmarks: timing on one core, progress lines, and a table printed with
 * the command that made it (house style: figures without their command are not figures).
 */
import os from 'node:os';
import path from 'node:path';

export type Row = Record<string, string | number>;

/** The command line that is running, as someone would type it from the project root. */
export function commandLine(): string {
  const script = process.argv[1] ? path.relative(process.cwd(), process.argv[1]) : '?';
  return ['npx tsx', script, ...process.argv.slice(2)].join(' ');
}

/** Where the figures came from; the load average matters on a shared machine. */
export function environment(): string {
  const cpu = os.cpus()[0]?.model.trim() ?? 'unknown CPU';
  const load = os.loadavg()[0]!.toFixed(1);
  return `node ${process.version}, ${cpu}, ${os.cpus().length} cores, load average ${load}, ${new Date().toISOString()}`;
}

const started = performance.now();

/** One line on stderr per slow step, so a long run shows where it is (and stdout stays the table). */
export function progress(message: string): void {
  const seconds = ((performance.now() - started) / 1000).toFixed(1).padStart(6);
  process.stderr.write(`[${seconds} s] ${message}\n`);
}

export interface Timing<T> {
  result: T;
  /** CPU time of this process (user + system): what one core spent, whatever else the machine does. */
  cpuMs: number;
  wallMs: number;
}

/** Runs fn once and measures it. Benchmarks are single-threaded, so CPU time is one core's time. */
export function measure<T>(fn: () => T): Timing<T> {
  const wallStart = performance.now();
  const cpuStart = process.cpuUsage();
  const result = fn();
  const cpu = process.cpuUsage(cpuStart);
  return { result, cpuMs: (cpu.user + cpu.system) / 1000, wallMs: performance.now() - wallStart };
}

/** 1234567 → "1,234,567"; fractions keep `digits` decimals. */
export function formatNumber(value: number, digits = 0): string {
  return value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

/** Milliseconds as "850 ms" or "2.35 s". */
export function formatDuration(ms: number): string {
  if (ms < 1) return `${ms.toFixed(3)} ms`;
  if (ms < 1000) return `${formatNumber(ms, ms < 10 ? 2 : ms < 100 ? 1 : 0)} ms`;
  return `${(ms / 1000).toFixed(2)} s`;
}

function cell(value: string | number | undefined): string {
  if (value === undefined) return '';
  return typeof value === 'number' ? formatNumber(value, Number.isInteger(value) ? 0 : 2) : value;
}

/**
 * Prints a Markdown table (readable in a terminal, pastable into a document) under its title,
 * the command that made it and the machine it ran on. Columns are the union of the rows' keys in
 * first-seen order; numeric-looking cells are right-aligned.
 */
export function printTable(title: string, rows: Row[], command = commandLine()): void {
  const columns: string[] = [];
  for (const row of rows) for (const key of Object.keys(row)) if (!columns.includes(key)) columns.push(key);
  const cells = rows.map((row) => columns.map((column) => cell(row[column])));
  const widths = columns.map((column, i) => Math.max(column.length, ...cells.map((r) => r[i]!.length)));
  const numeric = columns.map((_, i) =>
    cells.every((r) => r[i] === '' || /^[-+]?[\d,.]+(\s?\S+)?$/.test(r[i]!)),
  );
  const pad = (text: string, i: number): string =>
    numeric[i] ? text.padStart(widths[i]!) : text.padEnd(widths[i]!);
  const lines = [
    `## ${title}`,
    '',
    `\`${command}\` — ${environment()}`,
    '',
    `| ${columns.map((c, i) => pad(c, i)).join(' | ')} |`,
    `| ${widths.map((w, i) => (numeric[i] ? `${'-'.repeat(w - 1)}:` : '-'.repeat(w))).join(' | ')} |`,
    ...cells.map((r) => `| ${r.map((c, i) => pad(c, i)).join(' | ')} |`),
    '',
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}
