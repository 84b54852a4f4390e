import SQLite from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { withStatementCache } from './statement-cache.ts';

function counted() {
  const sqlite = new SQLite(':memory:');
  sqlite.exec('create table t (n integer)');
  const prepared: string[] = [];
  const prepare = sqlite.prepare.bind(sqlite);
  sqlite.prepare = ((sql: string) => (prepared.push(sql), prepare(sql))) as typeof sqlite.prepare;
  return { sqlite, prepared };
}

describe('withStatementCache', () => {
  it('prepares a statement once and answers it again for the same SQL', () => {
    const { sqlite, prepared } = counted();
    const db = withStatementCache(sqlite);
    db.prepare('insert into t (n) values (?)').run([1]);
    db.prepare('insert into t (n) values (?)').run([2]);
    expect(db.prepare('select sum(n) as s from t').all([])).toEqual([{ s: 3 }]);
    expect(prepared).toEqual(['insert into t (n) values (?)', 'select sum(n) as s from t']);
  });

  it('prepares a fresh statement while the cached one is still being iterated', () => {
    const { sqlite, prepared } = counted();
    sqlite.exec('insert into t (n) values (1), (2)');
    const db = withStatementCache(sqlite);
    const outer = db.prepare('select n from t order by n').iterate([]);
    const seen: unknown[] = [];
    for (const row of outer) seen.push(row, db.prepare('select n from t order by n').all([]));
    expect(seen).toEqual([{ n: 1 }, [{ n: 1 }, { n: 2 }], { n: 2 }, [{ n: 1 }, { n: 2 }]]);
    expect(prepared.length).toBe(3);
  });

  it('keeps at most `size` statements, dropping the least recently used', () => {
    const { sqlite, prepared } = counted();
    const db = withStatementCache(sqlite, 2);
    for (const sql of ['select 1', 'select 2', 'select 1', 'select 3', 'select 1', 'select 2']) db.prepare(sql).all([]);
    // 'select 2' was the least recently used when 'select 3' came, so it was prepared again.
    expect(prepared).toEqual(['select 1', 'select 2', 'select 3', 'select 2']);
  });
});
