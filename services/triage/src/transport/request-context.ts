import { ParseUUIDPipe, applyDecorators, type PipeTransform } from '@nestjs/common';
import { ApiBadRequestResponse, ApiForbiddenResponse, ApiUnauthorizedResponse } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import {
  IdempotencyService,
  ProblemException,
  type AuthContext,
  type StoredResponse,
} from '@helpdesk/platform';
import { retryTransaction } from '../infrastructure/transaction-runner';
import { RESOURCE_ID } from './tickets.dto';
import type { EntityManager } from 'typeorm';

export const uuidPipe = new ParseUUIDPipe({
  exceptionFactory: () =>
    new ProblemException(400, 'id must be a UUID', [{ field: 'id', message: 'must be a UUID' }]),
});

/** Path ids of agents, queues, policies and calendars. */
export const resourceIdPipe: PipeTransform<string, string> = {
  transform(value: string): string {
    if (typeof value !== 'string' || !RESOURCE_ID.test(value)) {
      throw new ProblemException(
        400,
        'id must be 1-100 letters, digits, ".", "_" or "-", starting with a letter or digit',
        [{ field: 'id', message: 'invalid' }],
      );
    }
    return value;
  },
};

/** Who did it, for the timeline: the API key (a partner system or an agent desk acting for a person). */
export const actorOf = (auth: AuthContext): string => `key:${auth.keyId}`;

/**
 * Runs a state change once per Idempotency-Key (same key and body → the first response again), inside a
 * transaction that is retried on deadlock.
 */
export async function runIdempotent<T>(
  idempotency: IdempotencyService,
  request: { auth: AuthContext; scope: string; key: string | undefined; body: unknown },
  reply: FastifyReply,
  effect: (manager: EntityManager) => Promise<StoredResponse<T>>,
): Promise<T> {
  const result = await retryTransaction(() =>
    idempotency.execute(
      { tenantId: request.auth.tenantId, scope: request.scope, key: request.key, body: request.body },
      effect,
    ),
  );
  if (result.replayed) void reply.header('Idempotent-Replayed', 'true');
  void reply.status(result.status);
  return result.body;
}

/** The problem+json answers every operation can give: invalid input, no or unknown key, missing scope. */
export const ApiProblemResponses = (): ClassDecorator & MethodDecorator =>
  applyDecorators(
    ApiBadRequestResponse({
      description: 'application/problem+json: malformed or invalid input, with the fields at fault',
    }),
    ApiUnauthorizedResponse({ description: 'application/problem+json: missing, unknown or revoked API key' }),
    ApiForbiddenResponse({ description: 'application/problem+json: the key lacks the scope' }),
  );
