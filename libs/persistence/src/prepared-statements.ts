import { createHash } from 'node:crypto';
import { Client } from 'pg';

/** Uses of one statement text before it is prepared: one-off statements stay unnamed. */
const USES_BEFORE_PREPARING = 3;
/** Statement texts followed at most, so that texts built per call (multi-row VALUES) cannot grow it without bound. */
const TEXTS_FOLLOWED = 4000;

type QueryArgs = unknown[];

/**
 * The `pg` client class the services' pools use: a parameterised statement sent often enough runs
 * as a named prepared statement on each connection, so PostgreSQL parses and plans it once per
 * connection instead of on every call (the services send the same few dozen statements thousands
 * of times). Statements without parameters (BEGIN, COMMIT) keep the simple protocol.
 */
export function preparingClientClass(): typeof Client {
  const uses = new Map<string, number>();
  const names = new Map<string, string>();
  const nameFor = (text: string): string | undefined => {
    const known = names.get(text);
    if (known) return known;
    const seen = uses.get(text);
    if (seen === undefined) {
      if (uses.size < TEXTS_FOLLOWED) uses.set(text, 1);
      return undefined;
    }
    if (seen + 1 < USES_BEFORE_PREPARING) {
      uses.set(text, seen + 1);
      return undefined;
    }
    const name = `hd_${createHash('sha1').update(text).digest('hex').slice(0, 24)}`;
    names.set(text, name);
    uses.delete(text);
    return name;
  };

  class PreparingClient extends Client {}
  const query = Client.prototype.query as (this: Client, ...args: QueryArgs) => unknown;
  Object.defineProperty(PreparingClient.prototype, 'query', {
    value: function preparedQuery(this: Client, ...args: QueryArgs): unknown {
      const [text, values] = args;
      if (typeof text === 'string' && Array.isArray(values) && values.length > 0) {
        const name = nameFor(text);
        if (name) return query.call(this, { name, text, values }, ...args.slice(2));
      }
      return query.apply(this, args);
    },
    writable: true,
    configurable: true,
  });
  return PreparingClient;
}
