/**
 * The alert rules the README documents and the Grafana dashboard: promtool accepts them, the
 * README quotes the rules file as it is, and every metric they name is in a real scrape.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { parsePrometheus, type Scrape } from '../support/prometheus.ts';
import { startRegrant, type TestRegrant } from '../support/regrant.ts';

const RULES = 'docs/prometheus-rules.yml';
const TOKEN = 'metrics-token-0123456789abcdef';
const rulesText = readFileSync(RULES, 'utf8');
const dashboard = JSON.parse(readFileSync('docs/grafana-dashboard.json', 'utf8')) as { panels: Array<{ title: string; targets: Array<{ expr: string }> }> };
const dashboardExprs = dashboard.panels.flatMap((p) => p.targets.map((t) => t.expr));
const ruleExprs = [...rulesText.matchAll(/^\s+expr: (.+)$/gm)].map((m) => m[1]);

const promtool = (...args: string[]) => spawnSync('/usr/bin/promtool', args, { encoding: 'utf8' });
/** Metric names in PromQL: the identifiers Regrant or prom-client write. */
const metricNames = (exprs: string[]) => [...new Set(exprs.flatMap((e) => [...e.matchAll(/\b(?:regrant|process|nodejs)_[a-z0-9_]+\b/g)].map((m) => m[0])))];

let rg: TestRegrant;
let scrape: Scrape;
beforeAll(async () => {
  rg = await startRegrant({ METRICS_TOKEN: TOKEN });
  const ask = () => rg.app.request('/metrics', { headers: { authorization: `Bearer ${TOKEN}` } });
  await ask(); // a request, so that the HTTP series exist
  scrape = parsePrometheus(await (await ask()).text());
});
afterAll(() => rg?.destroy());

it('promtool check rules passes on the documented rules', () => {
  const result = promtool('check', 'rules', RULES);
  expect(result.stderr).toBe('');
  expect(result.status).toBe(0);
  expect(result.stdout).toMatch(/SUCCESS: 4 rules found/);
  expect(ruleExprs.length).toBe(4);
});

it('the README quotes the rules file as it is', () => {
  const readme = readFileSync('README.md', 'utf8');
  expect(readme).toContain('```yaml\n' + rulesText + '```');
  expect(readme).toContain('(docs/prometheus-rules.yml)');
  expect(readme).toContain('(docs/grafana-dashboard.json)');
});

it('every dashboard query is PromQL that promtool accepts', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'regrant-dashboard-'));
  try {
    const rules = ['groups:', '  - name: dashboard', '    rules:', ...dashboardExprs.flatMap((expr, i) => [`      - record: dashboard:query_${i}`, `        expr: ${JSON.stringify(expr)}`])].join('\n');
    writeFileSync(path.join(dir, 'dashboard.yml'), rules + '\n');
    const result = promtool('check', 'rules', path.join(dir, 'dashboard.yml'));
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  expect(dashboardExprs.length).toBeGreaterThan(15);
});

it('every metric the rules and the dashboard name is in a real scrape, and every Regrant family is on the dashboard', () => {
  const scraped = new Set(scrape.samples.map((s) => s.name));
  const named = metricNames([...ruleExprs, ...dashboardExprs]);
  expect(named.length).toBeGreaterThan(12);
  for (const name of named) expect(scraped.has(name), name).toBe(true);
  const families = [...scrape.types.keys()].filter((n) => n.startsWith('regrant_'));
  const onDashboard = metricNames(dashboardExprs).join(' ');
  for (const family of families) expect(onDashboard, family).toContain(family);
});
