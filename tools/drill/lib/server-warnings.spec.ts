import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serverSideWarnings } from './server-warnings';

describe('serverSideWarnings', () => {
  it('keeps the slow and abandoned requests of a service log, in order, and nothing else', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'drill-log-')), 'ingestion.log');
    writeFileSync(
      file,
      [
        '--- start 2026-12-02T10:00:00.000Z ---',
        JSON.stringify({ level: 40, msg: 'slow request', method: 'POST', route: '/v1/messages', status: 202, ms: 6100 }),
        JSON.stringify({ level: 40, msg: 'event handling failed; retrying' }),
        '{not json',
        JSON.stringify({ level: 40, msg: 'connection closed before the answer was sent', method: 'POST', route: '/v1/channels/email/inbound', ms: 30002 }),
      ].join('\n'),
    );
    expect(serverSideWarnings(file)).toEqual([
      'slow request: POST /v1/messages after 6100 ms (202)',
      'connection closed before the answer was sent: POST /v1/channels/email/inbound after 30002 ms',
    ]);
  });

  it('is empty for a log that does not exist', () => {
    expect(serverSideWarnings(join(tmpdir(), 'no-such-drill-log.log'))).toEqual([]);
  });
});
