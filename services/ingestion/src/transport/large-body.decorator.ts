import { RouteConfig } from '@nestjs/platform-fastify';

/** Marks a route whose body may exceed the service-wide limit; app.ts gives it EMAIL_BODY_LIMIT_BYTES. */
export const LARGE_BODY_ROUTE = 'largeBody';
export const LargeBody = (): MethodDecorator => RouteConfig({ [LARGE_BODY_ROUTE]: true });
