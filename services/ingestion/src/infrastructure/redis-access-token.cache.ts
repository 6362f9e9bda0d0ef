import type { Redis } from 'ioredis';
import type { AccessTokenCache } from './channels/wechat-customer-service.client';

/** WeChat access tokens shared by every instance of the service, expiring with the token. */
export class RedisAccessTokenCache implements AccessTokenCache {
  constructor(
    private readonly redis: Redis,
    private readonly prefix = 'ingestion:',
  ) {}

  async get(key: string): Promise<string | null> {
    return this.redis.get(`${this.prefix}${key}`);
  }

  async set(key: string, value: string, ttlSeconds: number): Promise<void> {
    await this.redis.set(`${this.prefix}${key}`, value, 'EX', Math.max(1, Math.floor(ttlSeconds)));
  }
}
