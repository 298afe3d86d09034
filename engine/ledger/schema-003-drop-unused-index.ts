// Migration 3: drops decisions_by_instrument, an index no query can use, which every decision (each order, each fired tick) paid to update.

/*
 * The one query that filters decisions by instrument (DecisionRepository.list: a time range, and an
 * instrument only when asked) is planned once for both cases, so SQLite always searches
 * decisions_by_time and checks the instrument row by row (EXPLAIN QUERY PLAN on SQLite 3.53,
 * better-sqlite3 12.11). No other query reads decisions by instrument, and an index nothing reads
 * is one more B-tree page written in every order's commit.
 */
export const SCHEMA_003_DROP_UNUSED_INDEX = `
DROP INDEX IF EXISTS decisions_by_instrument;
`;
