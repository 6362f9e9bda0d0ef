import { existsSync, readFileSync } from 'node:fs';
import { isRecord } from '../../bench/lib/http-client';

/** The service's own warnings about slow answers and connections closed before an answer, oldest first. */
export function serverSideWarnings(logFile: string): string[] {
  if (!existsSync(logFile)) return [];
  const out: string[] = [];
  for (const line of readFileSync(logFile, 'utf8').split('\n')) {
    if (!line.startsWith('{')) continue;
    try {
      const entry: unknown = JSON.parse(line);
      if (!isRecord(entry)) continue;
      const msg = entry['msg'];
      if (msg !== 'slow request' && msg !== 'connection closed before the answer was sent') continue;
      const field = (key: string): string => {
        const value = entry[key];
        return typeof value === 'string' || typeof value === 'number' ? String(value) : '?';
      };
      out.push(`${msg}: ${field('method')} ${field('route')} after ${field('ms')} ms${entry['status'] === undefined ? '' : ` (${field('status')})`}`);
    } catch {
      // not a JSON log line
    }
  }
  return out;
}
