import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * The drill tenant's CRM: a webhook subscriber on 127.0.0.1 that accepts every delivery. With it the
 * CRM-webhook consumer acts for the drill's tenant, so its poison records are that consumer's to
 * judge too, and deliveries run through every outage like the rest of the pipeline.
 */
export class CrmSink {
  private server: Server | undefined;
  private readonly events = new Set<string>();
  private requests = 0;

  async start(): Promise<string> {
    const server = createServer((req, res) => {
      req.on('data', () => undefined);
      req.on('end', () => {
        this.requests++;
        const eventId = req.headers['x-helpdesk-event-id'];
        if (typeof eventId === 'string') this.events.add(eventId);
        res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
      });
    });
    this.server = server;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}/crm`;
  }

  /** Deliveries received, and the distinct events among them (a retried delivery counts once). */
  figures(): { deliveries: number; events: number } {
    return { deliveries: this.requests, events: this.events.size };
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
