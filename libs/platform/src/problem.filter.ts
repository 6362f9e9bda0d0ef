import { Catch, HttpException, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { isTransientDatabaseError } from '@helpdesk/persistence';
import { problem, ProblemException, type DomainErrorMapper, type ProblemDetails } from './problem';
import type { AppLogger } from './logger';

interface FastifyLikeError {
  statusCode?: number;
  code?: string;
  message?: string;
}

/** Turns anything thrown into problem+json; never leaks a stack trace, never a 500 for bad input. */
export function toProblem(error: unknown, mapDomainError?: DomainErrorMapper): { body: ProblemDetails; headers?: Record<string, string> } {
  if (error instanceof ProblemException) return { body: error.toProblem(), headers: error.headers };
  const mapped = mapDomainError?.(error);
  if (mapped) return { body: mapped.toProblem(), headers: mapped.headers };
  if (error instanceof HttpException) {
    const status = error.getStatus();
    const response = error.getResponse();
    const detail =
      typeof response === 'string'
        ? response
        : typeof response === 'object' && response !== null && 'message' in response
          ? ([] as unknown[]).concat((response).message).map(String).join('; ')
          : error.message;
    return { body: problem(status, status === 404 && detail.startsWith('Cannot ') ? 'no such route' : detail) };
  }
  const e = (typeof error === 'object' && error !== null ? error : {}) as FastifyLikeError;
  if (typeof e.statusCode === 'number' && e.statusCode >= 400 && e.statusCode < 500) {
    const detail =
      e.code === 'FST_ERR_CTP_BODY_TOO_LARGE'
        ? 'request body is larger than this endpoint accepts'
        : e.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE'
          ? 'unsupported Content-Type'
          : e.code === 'FST_ERR_CTP_EMPTY_JSON_BODY'
            ? 'request body is empty'
            : e.statusCode === 400 && /JSON/i.test(e.message ?? '')
              ? 'request body is not valid JSON'
              : (e.message ?? 'bad request');
    return { body: problem(e.statusCode, detail) };
  }
  // Pool exhausted or database unreachable: the request was fine, the service is overloaded — say when to retry.
  if (isTransientDatabaseError(error)) {
    return { body: problem(503, 'the service is busy or its database unreachable; retry shortly'), headers: { 'Retry-After': String(RETRY_AFTER_SECONDS) } };
  }
  return { body: problem(500, 'unexpected error; it has been logged') };
}

const RETRY_AFTER_SECONDS = 2;

@Catch()
export class ProblemFilter implements ExceptionFilter {
  constructor(
    private readonly logger: AppLogger,
    private readonly mapDomainError?: DomainErrorMapper,
  ) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    if (host.getType() !== 'http') throw exception;
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    const { body, headers } = toProblem(exception, this.mapDomainError);
    if (body.status >= 500) this.logger.error({ err: exception }, 'unhandled error');
    void reply
      .status(body.status)
      .headers(headers ?? {})
      .type('application/problem+json')
      .send(body);
  }
}
