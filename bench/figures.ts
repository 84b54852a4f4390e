/**
 * How a benchmark hands its figures to `npm run bench` (bench/run.ts): each figure is one
 * `@figure {json}` line on standard output; every other line is progress for a person.
 * Run alone (`npx tsx bench/x.ts`), a benchmark still prints its figures readably.
 */
export interface Figure {
  /** What was measured, e.g. "GET /api/status, 304 path". */
  name: string;
  /** The median, formatted with its unit, e.g. "9,870 req/s". */
  value: string;
  /** The reference measured in the same run, formatted, e.g. "bare Hono route: 18,020 req/s". */
  reference?: string;
  /** value / reference, where a goal is a ratio. */
  ratio?: number;
  /** The goal in words, e.g. "≥ 0.5 of the bare route". */
  goal?: string;
  /** Whether the goal was met; absent when the figure has no goal. */
  met?: boolean;
  /** How the median was taken, e.g. "median of 5 runs (runs: 1.2, 1.3, …)". */
  runs: string;
}

export function report(figure: Figure): void {
  if (process.env.REGRANT_BENCH_RUNNER === '1') {
    console.log(`@figure ${JSON.stringify(figure)}`);
    return;
  }
  const ratio = figure.ratio === undefined ? '' : ` (ratio ${figure.ratio.toFixed(2)} to ${figure.reference})`;
  const goal = figure.goal === undefined ? '' : `; goal ${figure.goal}: ${figure.met ? 'met' : 'MISSED'}`;
  console.log(`${figure.name}: ${figure.value}${ratio}${goal} [${figure.runs}]`);
}

export const median = (xs: number[]): number => {
  const sorted = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

/** 12345.6 → "12,346"; digits after the point when asked. */
export const num = (n: number, digits = 0): string => n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });

export const runsOf = (xs: number[], format: (x: number) => string): string => `median of ${xs.length} (runs: ${xs.map(format).join(', ')})`;
