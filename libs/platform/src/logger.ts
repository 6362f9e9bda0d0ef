import type { LoggerService } from '@nestjs/common';
import pino, { type Logger } from 'pino';
import { currentCorrelation } from '@helpdesk/messaging';

export type AppLogger = Logger;

/**
 * JSON logs with the service name and the ambient correlation id on every line. Written synchronously:
 * a process ended by a signal (Nest re-raises SIGTERM after its shutdown hooks) never flushes an
 * asynchronous buffer, so its last lines — the shutdown report, a fatal error — would be lost.
 */
export function createLogger(service: string, level: string): AppLogger {
  return pino(
    {
      level,
      base: { service },
      timestamp: pino.stdTimeFunctions.isoTime,
      mixin() {
        const c = currentCorrelation();
        return c ? { correlationId: c.correlationId, ...(c.tenantId ? { tenantId: c.tenantId } : {}) } : {};
      },
    },
    pino.destination({ dest: 1, sync: true }),
  );
}

/** Routes Nest's own logging into the same JSON stream. */
export class NestPinoLogger implements LoggerService {
  constructor(private readonly logger: AppLogger) {}
  log(message: unknown, context?: string): void {
    this.logger.info({ context }, String(message));
  }
  error(message: unknown, trace?: string, context?: string): void {
    this.logger.error({ context, trace }, String(message));
  }
  warn(message: unknown, context?: string): void {
    this.logger.warn({ context }, String(message));
  }
  debug(message: unknown, context?: string): void {
    this.logger.debug({ context }, String(message));
  }
  verbose(message: unknown, context?: string): void {
    this.logger.trace({ context }, String(message));
  }
}
