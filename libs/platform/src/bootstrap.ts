import 'reflect-metadata';
import type { DynamicModule, INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';
import type { SchemaObject } from '@nestjs/swagger/dist/interfaces/open-api-spec.interface';
import { PUBLIC_EXTENSION } from './auth';
import { jsonNestingDepth, MAX_JSON_DEPTH } from './json-depth';
import type { BaseServiceConfig } from './config';
import { ServiceInfrastructure } from './infrastructure';
import { NestPinoLogger, type AppLogger } from './logger';

export interface HttpAppOptions {
  service: string;
  description: string;
  config: BaseServiceConfig;
  logger: AppLogger;
}

/**
 * Builds the Fastify-based Nest app the same way for every service: body limits, raw MIME/XML
 * bodies, problem+json for errors raised before routing, metrics, OpenAPI at /openapi.json and /docs.
 */
export async function createHttpApp(module: DynamicModule, options: HttpAppOptions): Promise<NestFastifyApplication> {
  const adapter = new FastifyAdapter({ bodyLimit: options.config.BODY_LIMIT_BYTES, trustProxy: true, logger: false, maxParamLength: 1000 });
  const fastify = adapter.getInstance();
  fastify.addContentTypeParser(['message/rfc822', 'application/octet-stream'], { parseAs: 'buffer' }, (_req, body, done) => done(null, body));
  fastify.addContentTypeParser(['text/xml', 'application/xml', 'text/plain'], { parseAs: 'buffer' }, (_req, body, done) => done(null, body));
  const parseJson = fastify.getDefaultJsonParser('error', 'error');
  fastify.removeContentTypeParser('application/json');
  fastify.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    const text = typeof body === 'string' ? body : body.toString('utf8');
    if (jsonNestingDepth(text, MAX_JSON_DEPTH) > MAX_JSON_DEPTH) {
      done(Object.assign(new Error(`request body nests deeper than ${MAX_JSON_DEPTH} levels`), { statusCode: 400 }), undefined);
      return;
    }
    void parseJson(request, text, done);
  });

  const app = await NestFactory.create<NestFastifyApplication>(module, adapter, {
    logger: new NestPinoLogger(options.logger),
    abortOnError: false,
    // JSON is parsed by the depth-checking parser registered above, not by Nest's own.
    bodyParser: false,
  });
  const metrics = app.get(ServiceInfrastructure).metrics;
  watchRequests(fastify, options.logger, options.config.SLOW_REQUEST_LOG_MS, (request, reply, route) => {
    metrics.httpDuration.observe({ method: request.method, route, status: String(reply.statusCode) }, reply.elapsedTime / 1000);
  });
  const document = buildOpenApi(app, options);
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'openapi.json', yamlDocumentUrl: 'openapi.yaml' });
  app.enableShutdownHooks();
  return app;
}

/**
 * Per-request bookkeeping: `answered` for every response (metrics), a warning for a slow answer, and
 * one for a connection closed before its answer, the request no status code or metric would show.
 */
export function watchRequests(
  fastify: FastifyInstance,
  logger: Pick<AppLogger, 'warn'>,
  slowMs: number,
  answered: (request: FastifyRequest, reply: FastifyReply, route: string) => void = () => undefined,
): void {
  const finished = new WeakSet<FastifyRequest>();
  fastify.addHook('onRequest', (request, reply, done) => {
    const started = performance.now();
    reply.raw.once('close', () => {
      if (finished.has(request) || reply.raw.writableFinished) return;
      const route = request.routeOptions.url ?? 'unmatched';
      logger.warn({ method: request.method, route, ms: Math.round(performance.now() - started) }, 'connection closed before the answer was sent');
    });
    done();
  });
  fastify.addHook('onResponse', (request, reply, done) => {
    finished.add(request);
    const route = request.routeOptions.url ?? 'unmatched';
    answered(request, reply, route);
    if (reply.elapsedTime >= slowMs) {
      logger.warn({ method: request.method, route, status: reply.statusCode, ms: Math.round(reply.elapsedTime) }, 'slow request');
    }
    done();
  });
}

export function buildOpenApi(app: INestApplication, options: Pick<HttpAppOptions, 'service' | 'description'>): OpenAPIObject {
  const builder = new DocumentBuilder()
    .setTitle(`helpdesk ${options.service}`)
    .setDescription(options.description)
    .setVersion('1.0.0')
    .addBearerAuth({ type: 'http', scheme: 'bearer', description: 'API key of one tenant' }, 'apiKey')
    .addSecurityRequirements('apiKey')
    .build();
  return withErrorsAndPublicRoutes(SwaggerModule.createDocument(app, builder));
}

const PROBLEM_SCHEMA: SchemaObject = {
  type: 'object',
  required: ['type', 'title', 'status'],
  properties: {
    type: { type: 'string', format: 'uri', example: 'https://errors.helpdesk.local/bad-request' },
    title: { type: 'string', example: 'Bad Request' },
    status: { type: 'integer', example: 400 },
    detail: { type: 'string', example: 'request is invalid' },
    errors: {
      type: 'array',
      items: { type: 'object', required: ['field', 'message'], properties: { field: { type: 'string' }, message: { type: 'string' } } },
    },
  },
};

const ERROR_RESPONSES: Record<string, string> = {
  '400': 'Malformed or invalid request (each problem named in `errors`)',
  '401': 'Missing, unknown, revoked or expired API key',
  '403': 'The API key lacks a required scope',
  '404': 'Not found in this tenant',
  '409': 'Conflict: state change not allowed, or Idempotency-Key reused with another body',
  '413': 'Request body too large',
  '415': 'Unsupported Content-Type',
  '429': 'Rate limit exceeded (see Retry-After and RateLimit-* headers)',
};
const PUBLIC_ERROR_CODES = ['400', '401', '404', '409', '413', '415'];

/**
 * Every operation can answer with these problems; public routes (channel signatures, survey
 * tokens) carry no API-key requirement in the document.
 */
function withErrorsAndPublicRoutes(document: OpenAPIObject): OpenAPIObject {
  document.components = { ...document.components, schemas: { ...document.components?.schemas, Problem: PROBLEM_SCHEMA } };
  for (const item of Object.values(document.paths)) {
    for (const method of ['get', 'put', 'post', 'delete', 'patch'] as const) {
      const operation = item[method];
      if (!operation) continue;
      const isPublic = (operation as unknown as Record<string, unknown>)[PUBLIC_EXTENSION] === true;
      if (isPublic) operation.security = [];
      for (const code of isPublic ? PUBLIC_ERROR_CODES : Object.keys(ERROR_RESPONSES)) {
        operation.responses[code] ??= {
          description: ERROR_RESPONSES[code] ?? 'Error',
          content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } },
        };
      }
    }
  }
  return document;
}

