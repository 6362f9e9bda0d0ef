/**
 * Statements switching every timestamp column default of a schema that reads `now()` (alone or inside
 * an expression such as a truncation) to `clock_timestamp()`, and back. `now()` is the transaction's start: once consumers handle a chunk of events in one
 * transaction, rows written for different events would share a creation time, and "newest first"
 * or "latest" lookups would tie and pick arbitrarily.
 */
export function rowClockDefaultsUp(schema: string): string {
  return switchDefaults(schema, 'now()', 'clock_timestamp()');
}

export function rowClockDefaultsDown(schema: string): string {
  return switchDefaults(schema, 'clock_timestamp()', 'now()');
}

function switchDefaults(schema: string, from: string, to: string): string {
  const literal = (s: string): string => `'${s.replace(/'/g, "''")}'`;
  return `DO $$
DECLARE c record;
BEGIN
  FOR c IN SELECT table_name, column_name, column_default FROM information_schema.columns
           WHERE table_schema = ${literal(schema)} AND data_type LIKE 'timestamp%'
             AND strpos(column_default, ${literal(from)}) > 0
  LOOP
    EXECUTE format('ALTER TABLE %I.%I ALTER COLUMN %I SET DEFAULT %s', ${literal(schema)}, c.table_name, c.column_name,
      replace(c.column_default, ${literal(from)}, ${literal(to)}));
  END LOOP;
END $$`;
}
