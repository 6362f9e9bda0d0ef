import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

export type Split = 'train' | 'dev' | 'test';

/** The shared labelled data lives outside the repository; override with HELPDESK_DATASETS. */
export function datasetsRoot(): string {
  const fromEnv = process.env['HELPDESK_DATASETS'];
  if (fromEnv) return resolve(fromEnv);
  const candidates = [resolve(__dirname, '../../../shared/datasets'), resolve(process.cwd(), '../shared/datasets')];
  return candidates.find((c) => existsSync(c)) ?? candidates[0] ?? '';
}

export function readRows(dataset: string, split: Split): Record<string, unknown>[] {
  const file = join(datasetsRoot(), dataset, `${split}.jsonl`);
  const rows: Record<string, unknown>[] = [];
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (line.trim() === '') continue;
    const parsed: unknown = JSON.parse(line);
    if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) rows.push(parsed as Record<string, unknown>);
  }
  return rows;
}

export function text(row: Record<string, unknown>, field: string): string {
  const value = row[field];
  if (typeof value === 'string') return value;
  return typeof value === 'number' || typeof value === 'boolean' ? String(value) : '';
}
