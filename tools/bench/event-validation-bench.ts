/**
 * What validating one consumed event costs, for each event type's fixture: `parseEvent` (the validation
 * plan, the full path only when it is not sure) against the full path alone (class instances and
 * `validateSync`), each after `JSON.parse` of the record's text, as a consumer does.
 *
 *   node tools/run-ts.js tools/bench/event-validation-bench.ts [--rounds 5] [--iterations 2000]
 */
import 'reflect-metadata';
import { cpus } from 'node:os';
import { EVENTS, loadFixture, parseEvent, parseEventThoroughly, type EventType } from '@helpdesk/contracts';
import { Args } from './lib/args';

const args = new Args(process.argv.slice(2));
const rounds = args.number('rounds', 5);
const iterations = args.number('iterations', 2000);

function microsPerCall(texts: readonly string[], parse: (raw: object) => unknown): number {
  const started = process.hrtime.bigint();
  for (let i = 0; i < iterations; i++) for (const text of texts) parse(JSON.parse(text) as object);
  return Number(process.hrtime.bigint() - started) / 1e3 / (iterations * texts.length);
}

const types = Object.keys(EVENTS) as EventType[];
const rows = types.map((type) => {
  const text = JSON.stringify(loadFixture(type));
  // Alternated rounds, the best of each: both paths feel the same machine load.
  let planned = Infinity;
  let full = Infinity;
  let parseOnly = Infinity;
  for (let r = 0; r < rounds; r++) {
    planned = Math.min(planned, microsPerCall([text], parseEvent));
    full = Math.min(full, microsPerCall([text], parseEventThoroughly));
    parseOnly = Math.min(parseOnly, microsPerCall([text], (raw) => raw));
  }
  return { type, bytes: text.length, planned, full, parseOnly };
});

const cpu = cpus()[0]?.model ?? 'unknown CPU';
console.log(`event validation, ${cpus().length} × ${cpu}, Node ${process.version}; µs per event, best of ${rounds} rounds × ${iterations}`);
console.log(`${'event type'.padEnd(28)} ${'bytes'.padStart(6)} ${'JSON.parse'.padStart(11)} ${'full path'.padStart(10)} ${'parseEvent'.padStart(11)} ${'× faster'.padStart(9)}`);
for (const r of rows.sort((a, b) => b.full - a.full)) {
  console.log(
    `${r.type.padEnd(28)} ${String(r.bytes).padStart(6)} ${r.parseOnly.toFixed(1).padStart(11)} ${r.full.toFixed(1).padStart(10)} ${r.planned.toFixed(1).padStart(11)} ${(r.full / r.planned).toFixed(1).padStart(9)}`,
  );
}
const mean = (pick: (r: (typeof rows)[number]) => number): number => rows.reduce((s, r) => s + pick(r), 0) / rows.length;
console.log(`${'mean over types'.padEnd(28)} ${''.padStart(6)} ${mean((r) => r.parseOnly).toFixed(1).padStart(11)} ${mean((r) => r.full).toFixed(1).padStart(10)} ${mean((r) => r.planned).toFixed(1).padStart(11)} ${(mean((r) => r.full) / mean((r) => r.planned)).toFixed(1).padStart(9)}`);
