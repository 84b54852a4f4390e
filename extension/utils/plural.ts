/**
 * Counted words in the browser's language: a catalog holds one message per plural form the
 * English text needs (`<key>_one`, `<key>_other`), and `Intl.PluralRules` picks the form for
 * the count. A language with more forms (Polish, Arabic…) falls back to `_other` until its
 * catalog adds them: the count is always right, the grammar at worst plain.
 *
 * @example
 *   tn('popup_needReauth', 1); // "1 mailbox needs re-authentication"
 *   tn('popup_needReauth', 3); // "3 mailboxes need re-authentication"
 */
import { formatCount, getMessage, t, uiLanguage } from './i18n.ts';

const rules = new Map<string, Intl.PluralRules>();

/** The plural form of `n` in the browser's language: "one", "few", "other"… */
export function pluralForm(n: number): Intl.LDMLPluralRule {
  const language = uiLanguage();
  let rule = rules.get(language);
  if (!rule) rules.set(language, (rule = new Intl.PluralRules(language)));
  return rule.select(n);
}

const has = (key: string) => Boolean(getMessage(key));

/** `t()` of the form of `key` that fits `n`; `$1` is the count in the browser's digits, `$2`… the rest. */
export function tn(key: string, n: number, ...more: Array<string | number>): string {
  const form = pluralForm(n);
  const name = form !== 'other' && has(`${key}_${form}`) ? `${key}_${form}` : `${key}_other`;
  return t(name, formatCount(n), ...more);
}
