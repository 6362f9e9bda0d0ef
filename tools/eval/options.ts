/** The command line of `npm run eval` (documented in tools/eval/index.ts) and its printed table. */
import { Args } from '../bench/lib/args';
import type { EvalRow } from './classification';

const FLAGS = new Set(['quick', 'in-process-only', 'api-only', 'classification-only']);
const VALUES = new Set(['base-port', 'concurrency']);

export interface EvalOptions {
  quick: boolean;
  inProcess: boolean;
  /** The in-process knowledge-search rows (the slowest in-process part, not needed to iterate on classifiers). */
  search: boolean;
  api: boolean;
  basePort: number;
  concurrency: number;
}

export function parseOptions(argv: readonly string[]): EvalOptions {
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    const name = arg.startsWith('--') ? (arg.slice(2).split('=')[0] ?? '') : '';
    if (FLAGS.has(name)) continue;
    if (VALUES.has(name)) {
      if (!arg.includes('=')) i++;
      continue;
    }
    throw new Error(`unknown argument ${arg}: flags are --in-process-only, --api-only, --classification-only, --quick, --base-port N, --concurrency N`);
  }
  const args = new Args(argv);
  const inProcessOnly = args.flag('in-process-only');
  const apiOnly = args.flag('api-only');
  const classificationOnly = args.flag('classification-only');
  if (inProcessOnly && apiOnly) throw new Error('--in-process-only and --api-only exclude each other');
  if (classificationOnly && apiOnly) throw new Error('--classification-only and --api-only exclude each other');
  const basePort = args.number('base-port', 4960);
  const concurrency = args.number('concurrency', 8);
  if (!Number.isInteger(basePort) || basePort < 1024 || basePort > 65_000) throw new Error('--base-port must be a port number');
  if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 256) throw new Error('--concurrency must be a whole number from 1 to 256');
  return { quick: args.flag('quick'), inProcess: !apiOnly, search: !apiOnly && !classificationOnly, api: !inProcessOnly && !classificationOnly, basePort, concurrency };
}

/** The rows as one table with a per-class F1 section; columns sized to their contents. */
export function formatTable(rows: readonly EvalRow[]): string {
  const header = ['task', 'dataset', 'metric', 'ours', 'baseline', 'goal', 'published'];
  const lines = rows.map((r) => [
    r.task,
    r.dataset,
    r.metric,
    r.value.toFixed(3),
    r.majorityBaseline.toFixed(3),
    r.goal !== undefined ? `≥ ${r.goal.toFixed(2)}${r.value >= r.goal ? ' ✓' : ' ✗'}` : '',
    r.published ?? '',
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => (l[i] ?? '').length)));
  const fmt = (cells: readonly string[]): string => cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join('  ').trimEnd();
  const perClass = rows
    .filter((r) => r.perClassF1)
    .map((r) => `  ${r.task}: ${Object.entries(r.perClassF1 ?? {}).map(([label, f1]) => `${label}=${f1.toFixed(2)}`).join(' ')}`);
  return [fmt(header), fmt(widths.map((w) => '-'.repeat(w))), ...lines.map(fmt), ...(perClass.length > 0 ? ['', 'per-class F1 (test):', ...perClass] : [])].join('\n');
}
