import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const css = readFileSync(resolve(__dirname, '../../extension/components/theme.css'), 'utf8');
const [light, dark] = css.split('@media (prefers-color-scheme: dark)');

function colour(block: string, name: string): string {
  const found = new RegExp(`--${name}:\\s*(#[0-9a-f]{6})`, 'i').exec(block);
  if (!found) throw new Error(`--${name} is not set`);
  return found[1];
}

/** WCAG 2 relative luminance of a #rrggbb colour. */
function luminance(hex: string): number {
  const [r, g, b] = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16) / 255).map((c) => (c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4));
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

function contrast(a: string, b: string): number {
  const [high, low] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (high + 0.05) / (low + 0.05);
}

describe('the theme', () => {
  it.each([
    ['light', light],
    ['dark', dark],
  ])('draws input and select borders at 3:1 or more against the page (%s)', (_, block) => {
    expect(contrast(colour(block, 'control-line'), colour(block, 'bg'))).toBeGreaterThanOrEqual(3);
    expect(css).toMatch(/input, select \{[^}]*border: 1px solid var\(--control-line\)/);
  });
});
