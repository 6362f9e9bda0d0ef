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
import { renderTable } from './lib/table';

const args = new Args(process.argv.slice(2));
const rounds = args.number('rounds', 5);
const iterations = args.number('iterations', 2000);

function microsPerCall(text: string, parse: (raw: object) => unknown): number {
  const started = process.hrtime.bigint();
  for (let i = 0; i < iterations; i++) parse(JSON.parse(text) as object);
  return Number(process.hrtime.bigint() - started) / 1e3 / iterations;
}

const rows = (Object.keys(EVENTS) as EventType[]).map((type) => {
  const text = JSON.stringify(loadFixture(type));
  // Alternated rounds, the best of each: both paths feel the same machine load.
  let planned = Infinity;
  let full = Infinity;
  let parseOnly = Infinity;
  for (let r = 0; r < rounds; r++) {
    planned = Math.min(planned, microsPerCall(text, parseEvent));
    full = Math.min(full, microsPerCall(text, parseEventThoroughly));
    parseOnly = Math.min(
      parseOnly,
      microsPerCall(text, (raw) => raw),
    );
  }
  return { label: type, bytes: String(text.length), planned, full, parseOnly };
});
const mean = (pick: (r: (typeof rows)[number]) => number): number =>
  rows.reduce((s, r) => s + pick(r), 0) / rows.length;
const summary = {
  label: 'mean over types',
  bytes: '',
  planned: mean((r) => r.planned),
  full: mean((r) => r.full),
  parseOnly: mean((r) => r.parseOnly),
};

console.log(
  `event validation, ${cpus().length} × ${cpus()[0]?.model ?? 'unknown CPU'}, Node ${process.version}; µs per event, best of ${rounds} rounds × ${iterations}`,
);
console.log(
  renderTable(
    ['event type', 'bytes', 'JSON.parse', 'full path', 'parseEvent', '× faster'],
    [...rows.sort((a, b) => b.full - a.full), summary].map((r) => [
      r.label,
      r.bytes,
      r.parseOnly.toFixed(1),
      r.full.toFixed(1),
      r.planned.toFixed(1),
      (r.full / r.planned).toFixed(1),
    ]),
  ),
);
