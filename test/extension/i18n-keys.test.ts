import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import ts from 'typescript';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatMessage, mergeCatalogs } from '../../extension/locales/catalog.ts';
import { readCatalogFiles } from '../../extension/vite/locale-files.ts';
import { t } from '../../extension/utils/i18n.ts';

const ROOT = join(import.meta.dirname, '..', '..', 'extension');

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'locales' || entry.name === 'vite' ? [] : sources(path);
    return /\.tsx?$/.test(entry.name) && !/\.test\.tsx?$/.test(entry.name) ? [path] : [];
  });
}

/** Attributes a person reads or hears. */
const WORDS_ATTRIBUTES = new Set(['aria-label', 'aria-description', 'placeholder', 'title', 'alt', 'label']);
/** Letters that make words; a web address alone (an example in a field) is the same in every language. */
const hasWords = (text: string) => /\p{L}{2,}/u.test(text) && !/^\s*[a-z]+:\/\/\S*\s*$/i.test(text);

/**
 * Words written into the markup instead of asked of t(): JSX text, string attributes people
 * read, and strings a JSX child expression yields directly (`{busy ? 'Saving' : 'Save'}`).
 */
function literalWords(file: string): string[] {
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true, ts.ScriptKind.TSX);
  const found: string[] = [];
  const where = (node: ts.Node) => `${relative(ROOT, file)}:${source.getLineAndCharacterOfPosition(node.getStart()).line + 1}`;
  /** The strings an expression can evaluate to without a call (t() is a call). */
  const yielded = (node: ts.Expression): void => {
    if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) {
      if (hasWords(node.text)) found.push(`${where(node)}: "${node.text}"`);
    } else if (ts.isTemplateExpression(node)) {
      const text = [node.head.text, ...node.templateSpans.map((span) => span.literal.text)].join(' ');
      if (hasWords(text)) found.push(`${where(node)}: \`${text}\``);
    } else if (ts.isConditionalExpression(node)) {
      yielded(node.whenTrue);
      yielded(node.whenFalse);
    } else if (ts.isBinaryExpression(node)) {
      // `a && 'x'` yields its right side; `a || 'x'`, `a ?? 'x'` and `a + 'x'` either; `a === 'x'` neither.
      const op = node.operatorToken.kind;
      if (op === ts.SyntaxKind.BarBarToken || op === ts.SyntaxKind.QuestionQuestionToken || op === ts.SyntaxKind.PlusToken) yielded(node.left);
      if (op === ts.SyntaxKind.AmpersandAmpersandToken || op === ts.SyntaxKind.BarBarToken || op === ts.SyntaxKind.QuestionQuestionToken || op === ts.SyntaxKind.PlusToken) yielded(node.right);
    } else if (ts.isParenthesizedExpression(node)) {
      yielded(node.expression);
    }
  };
  const visit = (node: ts.Node): void => {
    if (ts.isJsxText(node) && hasWords(node.text)) found.push(`${where(node)}: "${node.text.trim()}"`);
    if (ts.isJsxAttribute(node) && WORDS_ATTRIBUTES.has(node.name.getText(source)) && node.initializer) {
      if (ts.isStringLiteral(node.initializer)) yielded(node.initializer);
      else if (ts.isJsxExpression(node.initializer) && node.initializer.expression) yielded(node.initializer.expression);
    }
    if (ts.isJsxExpression(node) && node.expression && (ts.isJsxElement(node.parent) || ts.isJsxFragment(node.parent))) yielded(node.expression);
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

/**
 * The accounts page's own components are converted on another branch (issue 26's mailbox
 * actions); they leave this list when that lands. A listed file that has no literal words any
 * more fails the test, so the list cannot outlive its reason.
 */
describe('the interface', () => {
  const components = sources(ROOT).filter((f) => f.endsWith('.tsx'));

  it('shows no words that are not from the catalogs', () => {
    const literal = components.flatMap(literalWords);
    expect(literal).toEqual([]);
  });

  it('the check sees words in text, in attributes people read and in yielded strings, and lets t() through', () => {
    const dir = mkdtempSync(join(tmpdir(), 'i18n-scan-'));
    const file = join(dir, 'Sample.tsx');
    writeFileSync(
      file,
      `export const A = ({ busy }: { busy: boolean }) => (
  <p class="muted" aria-label="Copy link">
    Hello {busy ? 'Saving…' : t('save')} {' · '} {t('ok', 'x')} {busy === 'done' && 'Done'} <input placeholder={\`Filter \${1}\`} title="https://hooks.example.test/…" />
  </p>
);`,
    );
    try {
      expect(literalWords(file).map((l) => l.replace(/^.*?: /, ''))).toEqual(['"Copy link"', '"Hello"', '"Saving…"', '"Done"', '`Filter  `']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

});

describe('the catalogs', () => {
  const en = mergeCatalogs(readCatalogFiles('en'));

  it('hold every key the extension asks for', () => {
    const missing: string[] = [];
    for (const file of sources(ROOT)) {
      for (const [, key] of readFileSync(file, 'utf8').matchAll(/\bt\(\s*['"]([^'"]+)['"]/g)) {
        if (!en[key]) missing.push(`${relative(ROOT, file)}: ${key}`);
      }
    }
    expect(missing).toEqual([]);
  });

  it('hold both English forms of every counted message tn() asks for', () => {
    const missing: string[] = [];
    for (const file of sources(ROOT)) {
      for (const [, key] of readFileSync(file, 'utf8').matchAll(/\btn\(\s*['"]([^'"]+)['"]/g)) {
        for (const form of ['one', 'other']) if (!en[`${key}_${form}`]) missing.push(`${relative(ROOT, file)}: ${key}_${form}`);
      }
    }
    expect(missing).toEqual([]);
  });

  it('refuse a key defined in two files, whatever its case', () => {
    expect(() => mergeCatalogs({ 'a.json': { copyLink: { message: 'A' } }, 'b.json': { CopyLink: { message: 'B' } } })).toThrow(
      'b.json: "CopyLink" is already defined in a.json',
    );
    expect(() => mergeCatalogs({ 'a.json': { 'copy-link': { message: 'A' } } })).toThrow('not a valid message name');
  });

  it('refuse a message Chrome would refuse the extension for: "$1$2" reads as an undefined placeholder "$1$"', () => {
    expect(() => mergeCatalogs({ 'a.json': { allWell: { message: 'none ($1$2)' } } })).toThrow('a.json: "allWell" uses $1$, which Chrome reads as a placeholder it does not define');
    expect(() => mergeCatalogs({ 'a.json': { copyFor: { message: 'Copy link for $EMAIL$', placeholders: { email: { content: '$1' } } } } })).not.toThrow();
  });

  it('fill placeholders and substitutions as the browser does', () => {
    const entry = { message: 'Copy link for $EMAIL$ ($$1)', placeholders: { email: { content: '$1' } } };
    expect(formatMessage(entry, ['ann@acme.test'])).toBe('Copy link for ann@acme.test ($1)');
  });

  it('reach the components through t()', () => {
    expect(t('extName')).toBe('Regrant');
    expect(t('noSuchKey')).toBe('noSuchKey');
  });
});
