/**
 * Reads the Prometheus text format strictly enough for tests: every sample line must parse,
 * every family must have its # TYPE, no series may appear twice, and promtool (Debian's prometheus package) must accept
 * the whole text too.
 *
 * @example
 *   const scrape = parsePrometheus(await (await fetch(url, auth)).text());
 *   scrape.value('regrant_mailboxes', { state: 'connected', provider: 'custom' }); // 2
 */
import { spawnSync } from 'node:child_process';

export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

export interface Scrape {
  samples: Sample[];
  /** Family names with their # TYPE. */
  types: Map<string, string>;
  /** The value of the one sample with this name and (at least) these labels; throws when none or several match. */
  value(name: string, labels?: Record<string, string>): number;
  /** Every sample as `name{a="b",…}` with its labels sorted: the set of series. */
  series(): string[];
}

const SAMPLE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)(?:\s+\d+)?$/;
const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"\s*,?\s*/gy;

function labelsOf(text: string | undefined, line: string): Record<string, string> {
  const labels: Record<string, string> = {};
  if (!text) return labels;
  LABEL.lastIndex = 0;
  let end = 0;
  for (let m = LABEL.exec(text); m; m = LABEL.exec(text)) {
    labels[m[1]] = m[2].replace(/\\n/g, '\n').replace(/\\"/g, '"').replace(/\\\\/g, '\\');
    end = LABEL.lastIndex;
  }
  if (end !== text.length) throw new Error(`bad labels in: ${line}`);
  return labels;
}

export function parsePrometheus(text: string): Scrape {
  const samples: Sample[] = [];
  const types = new Map<string, string>();
  for (const line of text.split('\n')) {
    if (line === '') continue;
    const type = /^# TYPE (\S+) (counter|gauge|histogram|summary|untyped)$/.exec(line);
    if (type) types.set(type[1], type[2]);
    if (line.startsWith('#')) continue;
    const m = SAMPLE.exec(line);
    if (!m) throw new Error(`not a Prometheus sample line: ${line}`);
    // Go's ParseFloat, which Prometheus uses, takes NaN and Inf in any case.
    const value = Number(m[3].replace(/^([+-]?)inf$/i, '$1Infinity'));
    if (Number.isNaN(value) && !/^nan$/i.test(m[3])) throw new Error(`bad value in: ${line}`);
    samples.push({ name: m[1], labels: labelsOf(m[2], line), value });
  }
  for (const s of samples) {
    const family = [s.name, s.name.replace(/_(bucket|sum|count|total|created)$/, '')].find((n) => types.has(n));
    if (!family) throw new Error(`${s.name} has no # TYPE line`);
  }
  const keys = samples.map((s) => `${s.name}${JSON.stringify(Object.entries(s.labels).sort())}`);
  const twice = keys.find((k, i) => keys.indexOf(k) !== i);
  if (twice) throw new Error(`one series twice: ${twice}`);
  const result = spawnSync('/usr/bin/promtool', ['check', 'metrics'], { input: text, encoding: 'utf8' });
  if (result.error) throw result.error;
  // promtool exits 1 for lint advice as well as for text it cannot parse: only the latter fails here.
  if (/error while linting|parse error|text format parsing error/i.test(result.stderr + result.stdout)) throw new Error(`promtool cannot read the scrape: ${result.stderr}${result.stdout}`);

  const matches = (s: Sample, labels: Record<string, string>) => Object.entries(labels).every(([k, v]) => s.labels[k] === v);
  return {
    samples,
    types,
    value(name, labels = {}) {
      const found = samples.filter((s) => s.name === name && matches(s, labels));
      if (found.length !== 1) throw new Error(`${found.length} samples of ${name} ${JSON.stringify(labels)}`);
      return found[0].value;
    },
    series() {
      return samples.map((s) => `${s.name}{${Object.keys(s.labels).sort().map((k) => `${k}="${s.labels[k]}"`).join(',')}}`);
    },
  };
}
