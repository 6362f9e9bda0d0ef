import {
  PermanentDeliveryError,
  RetryableDeliveryError,
  type ChannelDeliveryError,
} from './channel-delivery.error';
import { fetchFailure, httpStatusError, parseRetryAfter } from './http-failure';

/** Shared token store (Redis in production) so all instances use one access token per account. */
export interface AccessTokenCache {
  get(key: string): Promise<string | null | undefined>;
  set(key: string, value: string, ttlSeconds: number): Promise<void>;
}

export interface WeChatCustomerServiceConfig {
  appId: string;
  appSecret: string;
  cache: AccessTokenCache;
  /** Default https://api.weixin.qq.com; tests point it at a local server. */
  baseUrl?: string;
  timeoutMs?: number;
  /** Cached tokens expire this long before WeChat's `expires_in`, so one is never used at the edge (default 300 s). */
  refreshMarginSec?: number;
  fetch?: typeof fetch;
  now?: () => Date;
}

export interface WeChatSendResult {
  /** WeChat's message id when it returns one. */
  msgId: string | null;
  /** True when the cached token had to be replaced to deliver this message. */
  tokenRefreshed: boolean;
}

const DEFAULT_BASE_URL = 'https://api.weixin.qq.com';
// Codes that mean the access token is stale: refresh and send again once.
const TOKEN_INVALID = new Set([40001, 40014, 42001]);
// System busy and rate limits pass; anything else (user out of the 48-hour window, invalid OpenID,
// unauthorised API, bad credentials, IP not whitelisted) fails the same way on every retry.
const TRANSIENT = new Set([-1, 45009, 45011, 45033]);

interface WeChatApiAnswer {
  errcode: number;
  errmsg: string;
  [field: string]: unknown;
}

/** Sends customer-service messages through the Official Account API. */
export class WeChatCustomerServiceClient {
  private readonly baseUrl: string;
  private readonly fetchFn: typeof fetch;
  private readonly now: () => Date;
  private refreshing: Promise<string> | null = null;

  constructor(private readonly config: WeChatCustomerServiceConfig) {
    this.baseUrl = (config.baseUrl ?? DEFAULT_BASE_URL).replace(/\/+$/, '');
    this.fetchFn = config.fetch ?? fetch;
    this.now = config.now ?? (() => new Date());
  }

  get cacheKey(): string {
    return `wechat:access-token:${this.config.appId}`;
  }

  /**
   * A valid access token: the cached one, or a new one from `/cgi-bin/token`. Pass the token that
   * WeChat just refused as `invalidToken`; if another instance already replaced it, that one is used.
   */
  async getAccessToken(options: { invalidToken?: string } = {}): Promise<string> {
    const cached = await this.config.cache.get(this.cacheKey);
    if (cached && cached !== options.invalidToken) return cached;
    // One refresh at a time per process: concurrent callers share it instead of invalidating each other's tokens.
    this.refreshing ??= this.fetchToken().finally(() => {
      this.refreshing = null;
    });
    return this.refreshing;
  }

  /** Sends a text message to a follower (within WeChat's 48-hour customer-service window). */
  async sendText(openId: string, content: string): Promise<WeChatSendResult> {
    if (openId.trim() === '')
      throw new PermanentDeliveryError('wechat', 'no-recipient', 'the reply has no OpenID');
    if (content.trim() === '')
      throw new PermanentDeliveryError('wechat', 'empty-content', 'the reply is empty');
    const message = { touser: openId, msgtype: 'text', text: { content } };

    let token = await this.getAccessToken();
    let answer = await this.post('/cgi-bin/message/custom/send', token, message);
    let tokenRefreshed = false;
    if (TOKEN_INVALID.has(answer.errcode)) {
      token = await this.getAccessToken({ invalidToken: token });
      tokenRefreshed = true;
      answer = await this.post('/cgi-bin/message/custom/send', token, message);
    }
    if (answer.errcode !== 0) throw apiError(answer);
    const msgId = answer.msgid;
    return {
      msgId: typeof msgId === 'string' || typeof msgId === 'number' ? String(msgId) : null,
      tokenRefreshed,
    };
  }

  private async fetchToken(): Promise<string> {
    const query = new URLSearchParams({
      grant_type: 'client_credential',
      appid: this.config.appId,
      secret: this.config.appSecret,
    });
    const answer = await this.call(`${this.baseUrl}/cgi-bin/token?${query.toString()}`, { method: 'GET' });
    const token = answer.access_token;
    const expiresIn = answer.expires_in;
    if (answer.errcode !== 0 || typeof token !== 'string' || token === '' || typeof expiresIn !== 'number') {
      throw answer.errcode !== 0
        ? apiError(answer)
        : new RetryableDeliveryError(
            'wechat',
            'bad-token-answer',
            'the token endpoint answered without a token',
          );
    }
    const margin = Math.min(this.config.refreshMarginSec ?? 300, Math.floor(expiresIn / 2));
    await this.config.cache.set(this.cacheKey, token, Math.max(1, expiresIn - margin));
    return token;
  }

  private post(path: string, token: string, body: unknown): Promise<WeChatApiAnswer> {
    return this.call(`${this.baseUrl}${path}?access_token=${encodeURIComponent(token)}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json; charset=utf-8' },
      body: JSON.stringify(body),
    });
  }

  private async call(url: string, init: RequestInit): Promise<WeChatApiAnswer> {
    let response: Response;
    try {
      response = await this.fetchFn(url, {
        ...init,
        signal: AbortSignal.timeout(this.config.timeoutMs ?? 10_000),
      });
    } catch (error: unknown) {
      throw fetchFailure('wechat', error);
    }
    const text = await response.text().catch(() => '');
    if (!response.ok)
      throw httpStatusError(
        'wechat',
        response.status,
        parseRetryAfter(response.headers.get('retry-after'), this.now()),
      );
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      throw new RetryableDeliveryError(
        'wechat',
        'bad-answer',
        'the WeChat API answered with something other than JSON',
      );
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
      throw new RetryableDeliveryError(
        'wechat',
        'bad-answer',
        'the WeChat API answered with something other than a JSON object',
      );
    }
    const record = parsed as Record<string, unknown>;
    // The token endpoint omits errcode on success.
    const errcode = typeof record.errcode === 'number' ? record.errcode : 0;
    return { ...record, errcode, errmsg: typeof record.errmsg === 'string' ? record.errmsg : '' };
  }
}

function apiError(answer: WeChatApiAnswer): ChannelDeliveryError {
  const message = `WeChat API error ${answer.errcode}: ${answer.errmsg}`;
  const code = `wechat-${answer.errcode}`;
  return TRANSIENT.has(answer.errcode) || TOKEN_INVALID.has(answer.errcode)
    ? new RetryableDeliveryError('wechat', code, message)
    : new PermanentDeliveryError('wechat', code, message);
}
