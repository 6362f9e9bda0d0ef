export * from './channel-delivery.error';
export * from './smtp-reply.sender';
export * from './webhook-reply.sender';
export * from './wechat-customer-service.client';
