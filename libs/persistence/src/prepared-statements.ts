import { createHash } from 'node:crypto';
import { Client } from 'pg';

/** Uses of one statement text before it is prepared: one-off statements stay unnamed. */
const USES_BEFORE_PREPARING = 3;
/** Statement texts followed at most, so that texts built per call (multi-row VALUES) cannot grow it without bound. */
const TEXTS_FOLLOWED = 4000;
/**
 * A prepared statement keeps the plan PostgreSQL made for the table sizes it saw then, until the next
 * ANALYZE of its tables; one prepared while a table was still empty (a fresh install, its first
 * minute of traffic) can scan a whole tenant for a primary-key look-up. Each connection prepares a
 * statement again after 2 s, then after twice as long each time, up to every 5 minutes.
 */
const FIRST_RENEWAL_MS = 2000;
const LONGEST_RENEWAL_MS = 5 * 60 * 1000;

type QueryArgs = unknown[];

interface Preparation {
  generation: number;
  renewAt: number;
  interval: number;
}

/** The `pg` connection's record of the statements it has prepared (not part of its typed surface). */
interface ConnectionState {
  connection?: { parsedStatements?: Record<string, string> };
}

/**
 * The `pg` client class the services' pools use: a parameterised statement sent often enough runs
 * as a named prepared statement on each connection, so PostgreSQL parses and plans it once per
 * connection instead of on every call (the services send the same few dozen statements thousands
 * of times). Statements without parameters (BEGIN, COMMIT) keep the simple protocol.
 */
export function preparingClientClass(
  renewal: { firstMs?: number; longestMs?: number } = {},
): typeof Client {
  const firstRenewalMs = renewal.firstMs ?? FIRST_RENEWAL_MS;
  const longestRenewalMs = renewal.longestMs ?? LONGEST_RENEWAL_MS;
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

  const query = Client.prototype.query as (this: Client, ...args: QueryArgs) => unknown;
  const preparations = new WeakMap<Client, Map<string, Preparation>>();
  const parsed = (client: Client): Record<string, string> =>
    (client as unknown as ConnectionState).connection?.parsedStatements ?? {};

  const leftovers = new WeakMap<Client, string[]>();
  // Queued ahead of the statement's next use, after every earlier use; only statements the server has
  // confirmed are deallocated, so DEALLOCATE cannot fail and abort the caller's transaction. In a
  // transaction that already failed it is refused, and tried again at the next renewal.
  const deallocate = (client: Client, names: string[]): void => {
    const known = parsed(client);
    const existing = names.filter((name) => known[name] !== undefined);
    leftovers.delete(client);
    if (existing.length === 0) return;
    (query.call(client, existing.map((name) => `DEALLOCATE "${name}"`).join('; ')) as Promise<unknown>).then(
      () => {
        for (const name of existing) Reflect.deleteProperty(known, name);
      },
      () => leftovers.set(client, [...(leftovers.get(client) ?? []), ...existing]),
    );
  };

  /** This connection's current name for the statement, deallocating the previous one when it is due for a new plan. */
  const currentName = (client: Client, base: string, now: number): string => {
    let own = preparations.get(client);
    if (!own) preparations.set(client, (own = new Map<string, Preparation>()));
    const preparation = own.get(base);
    if (!preparation) {
      own.set(base, { generation: 0, renewAt: now + firstRenewalMs, interval: firstRenewalMs });
      return `${base}_0`;
    }
    if (now >= preparation.renewAt) {
      deallocate(client, [...(leftovers.get(client) ?? []), `${base}_${preparation.generation}`]);
      preparation.generation++;
      preparation.interval = Math.min(preparation.interval * 2, longestRenewalMs);
      preparation.renewAt = now + preparation.interval;
    }
    return `${base}_${preparation.generation}`;
  };

  class PreparingClient extends Client {}
  Object.defineProperty(PreparingClient.prototype, 'query', {
    value: function preparedQuery(this: Client, ...args: QueryArgs): unknown {
      const [text, values] = args;
      if (typeof text === 'string' && Array.isArray(values) && values.length > 0) {
        const base = nameFor(text);
        if (base) return query.call(this, { name: currentName(this, base, Date.now()), text, values }, ...args.slice(2));
      }
      return query.apply(this, args);
    },
    writable: true,
    configurable: true,
  });
  return PreparingClient;
}
