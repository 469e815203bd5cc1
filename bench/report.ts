// The results as a table for people and as JSON for tools.
import type { BenchRow } from './support.ts';

export interface BenchFailure {
  name: string;
  error: string;
}

export interface BenchReport {
  startedAt: string;
  durationMs: number;
  node: string;
  cpus: number;
  rows: BenchRow[];
  failures: BenchFailure[];
}

const COLUMNS = [
  { title: 'benchmark', width: 42 },
  { title: 'safelight', width: 17 },
  { title: 'baseline', width: 17 },
  { title: 'ratio', width: 8 },
  { title: 'target', width: 11 },
  { title: 'result', width: 0 },
];

function line(cells: string[]): string {
  return cells
    .map((cell, i) => cell.padEnd(COLUMNS[i]?.width ?? 0))
    .join(' ')
    .trimEnd();
}

export function formatTable(report: BenchReport): string {
  const lines = [line(COLUMNS.map((c) => c.title))];
  for (const row of report.rows) {
    const ratio = row.ratio === null ? (row.ratioText ?? '–') : row.ratio.toFixed(2);
    lines.push(line([row.name, row.safelight, row.baseline, ratio, row.target, row.pass ? 'ok' : 'MISSED']));
  }
  for (const failure of report.failures) lines.push(line([failure.name, 'error', '', '', '', failure.error]));
  return lines.join('\n');
}
