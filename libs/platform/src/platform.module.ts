import {
  Controller, Get, Header, Inject, Module, Res, type BeforeApplicationShutdown, type DynamicModule,
  type OnApplicationBootstrap, type OnModuleInit,
} from '@nestjs/common';
import { APP_FILTER, APP_GUARD, APP_PIPE, Reflector } from '@nestjs/core';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { DataSource } from 'typeorm';
import { TOPICS } from '@helpdesk/contracts';
import { EventPublisher } from '@helpdesk/messaging';
import type { ServiceDataSourceOptions } from '@helpdesk/persistence';
import { ApiKeyGuard, ApiKeyStore, DEFAULT_DEMO_API_KEY, Public, seedDemoKey } from './auth';
import { ApiKeysController } from './api-keys.controller';
import type { BaseServiceConfig } from './config';
import { GrpcHost } from './grpc-host';
import { IdempotencyService } from './idempotency';
import { RateLimitGuard, RateLimiter } from './rate-limit';
import { ServiceInfrastructure } from './infrastructure';
import type { AppLogger } from './logger';
import type { DomainErrorMapper } from './problem';
import { ProblemFilter } from './problem.filter';
import { createValidationPipe } from './validation';

export const SERVICE_CONFIG = Symbol('SERVICE_CONFIG');

/** api.md's local gRPC ports; GRPC_PORT overrides. */
const DEFAULT_GRPC_PORTS: Record<string, number> = { ingestion: 50051, triage: 50052, knowledge: 50053, feedback: 50054 };
export const APP_LOGGER = Symbol('APP_LOGGER');
export const SERVICE_NAME = Symbol('SERVICE_NAME');

export interface PlatformOptions {
  service: string;
  config: BaseServiceConfig;
  logger: AppLogger;
  dataSource: Omit<ServiceDataSourceOptions, 'service' | 'db'>;
  mapDomainError?: DomainErrorMapper;
}

@Public()
@ApiExcludeController()
@Controller()
class OperationsController {
  constructor(private readonly infra: ServiceInfrastructure) {}

  @Get('health/live')
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  @Get('health/ready')
  async ready(@Res() reply: FastifyReply): Promise<void> {
    const report = await this.infra.health();
    await reply.status(report.status === 'ok' ? 200 : 503).send(report);
  }

  @Get('metrics')
  @Header('Cache-Control', 'no-store')
  async metrics(@Res() reply: FastifyReply): Promise<void> {
    const body = await this.infra.metrics.registry.metrics();
    await reply.type(this.infra.metrics.registry.contentType).send(body);
  }
}

class PlatformLifecycle implements OnModuleInit, OnApplicationBootstrap, BeforeApplicationShutdown {
  constructor(
    private readonly infra: ServiceInfrastructure,
    private readonly keys: ApiKeyStore,
    private readonly config: BaseServiceConfig,
    private readonly logger: AppLogger,
    private readonly grpc: GrpcHost,
  ) {}

  async onModuleInit(): Promise<void> {
    // Every service keeps its own copy of the hashed key registry, fed by the key events.
    this.infra.addConsumer({
      name: `${this.infra.service}.api-key-registry`,
      topics: [TOPICS.platformApiKeys],
      handlers: {
        'api-key.issued': async (event, { manager }) => {
          const k = event.payload;
          await this.keys.upsert({ id: k.keyId, tenantId: event.tenantId, name: k.name, prefix: k.prefix, hash: k.hash, scopes: k.scopes, expiresAt: k.expiresAt ?? null }, manager);
        },
        'api-key.revoked': async (event, { manager }) => {
          await this.keys.revoke(event.tenantId, event.payload.keyId, manager);
        },
      },
    });
    await this.infra.connect();
    if (this.config.APP_ENV !== 'production' && this.config.SEED_DEMO) {
      await seedDemoKey(this.keys, this.config.DEMO_API_KEY ?? DEFAULT_DEMO_API_KEY);
    }
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.infra.start();
    this.logger.info('consumers joined, outbox relay running');
    await this.grpc.start(this.config.GRPC_HOST, this.config.GRPC_PORT ?? DEFAULT_GRPC_PORTS[this.infra.service] ?? 0);
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.grpc.stop();
    await this.infra.stop();
    this.logger.info('stopped: consumers left their groups, outbox flushed');
  }
}

/** Everything a service needs from the platform, wired once. */
@Module({})
export class PlatformModule {
  static forService(options: PlatformOptions): DynamicModule {
    const infra = new ServiceInfrastructure(options.service, options.config, options.logger, options.dataSource);
    // One limiter for HTTP and gRPC: a caller's requests over both transports drain the same buckets.
    const limiter = new RateLimiter(infra.redis, {
      perKeyPerMinute: options.config.RATE_LIMIT_PER_KEY_PER_MINUTE,
      perTenantPerMinute: options.config.RATE_LIMIT_PER_TENANT_PER_MINUTE,
      overrides: JSON.parse(options.config.RATE_LIMIT_OVERRIDES) as Record<string, number>,
    });
    return {
      module: PlatformModule,
      global: true,
      controllers: [OperationsController, ApiKeysController],
      providers: [
        { provide: SERVICE_NAME, useValue: options.service },
        { provide: SERVICE_CONFIG, useValue: options.config },
        { provide: APP_LOGGER, useValue: options.logger },
        { provide: ServiceInfrastructure, useValue: infra },
        { provide: DataSource, useValue: infra.dataSource },
        { provide: EventPublisher, useValue: infra.publisher },
        { provide: ApiKeyStore, useValue: new ApiKeyStore(infra.dataSource, options.service, infra.redis) },
        { provide: IdempotencyService, useValue: new IdempotencyService(infra.dataSource, infra.redis, options.service) },
        { provide: GrpcHost, useFactory: (keys: ApiKeyStore) => new GrpcHost(keys, limiter, options.logger, options.mapDomainError), inject: [ApiKeyStore] },
        {
          provide: PlatformLifecycle,
          useFactory: (keys: ApiKeyStore, grpc: GrpcHost) => new PlatformLifecycle(infra, keys, options.config, options.logger, grpc),
          inject: [ApiKeyStore, GrpcHost],
        },
        { provide: APP_GUARD, useFactory: (r: Reflector, keys: ApiKeyStore) => new ApiKeyGuard(r, keys), inject: [Reflector, ApiKeyStore] },
        { provide: APP_GUARD, useFactory: (r: Reflector) => new RateLimitGuard(r, limiter), inject: [Reflector] },
        { provide: APP_FILTER, useValue: new ProblemFilter(options.logger, options.mapDomainError) },
        { provide: APP_PIPE, useValue: createValidationPipe() },
      ],
      exports: [SERVICE_NAME, SERVICE_CONFIG, APP_LOGGER, ServiceInfrastructure, DataSource, EventPublisher, ApiKeyStore, IdempotencyService, GrpcHost],
    };
  }
}

export const InjectConfig = (): ParameterDecorator => Inject(SERVICE_CONFIG);
export const InjectLogger = (): ParameterDecorator => Inject(APP_LOGGER);
