import { request } from 'node:http';
import { CrmSink } from './crm-sink';

function deliver(url: string, eventId: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', headers: { 'content-type': 'application/json', 'x-helpdesk-event-id': eventId } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end('{"type":"ticket.created"}');
  });
}

describe('the drill CRM', () => {
  it('listens on loopback, accepts every delivery and counts a retried event once', async () => {
    const sink = new CrmSink();
    const url = await sink.start();
    try {
      expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/crm$/);
      expect(await deliver(url, 'e-1')).toBe(200);
      expect(await deliver(url, 'e-1')).toBe(200);
      expect(await deliver(url, 'e-2')).toBe(200);
      expect(sink.figures()).toEqual({ deliveries: 3, events: 2 });
    } finally {
      await sink.stop();
    }
  });
});
