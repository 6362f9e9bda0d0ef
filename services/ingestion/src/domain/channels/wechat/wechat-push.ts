import type { WeChatCrypto } from './wechat-crypto';
import {
  parseWeChatEncryptedEnvelope,
  parseWeChatMessage,
  type WeChatMessage,
  type WeChatXmlOptions,
} from './wechat-message.parser';
import { WeChatProtocolError } from './wechat-protocol.error';
import { verifyWeChatSignature } from './wechat-signature';

/** The query string WeChat appends to every call of the account's server URL. */
export interface WeChatPushQuery {
  signature?: unknown;
  timestamp?: unknown;
  nonce?: unknown;
  echostr?: unknown;
  /** `aes` in safe (and compatible) mode, `raw` or absent in plaintext mode. */
  encrypt_type?: unknown;
  msg_signature?: unknown;
}

export interface WeChatPushRequest {
  /** The raw POST body. */
  body: string;
  query: WeChatPushQuery;
  /** The channel account's token. */
  token: string;
  /** Needed when the account uses safe mode (`encrypt_type=aes`). */
  crypto?: WeChatCrypto | null;
  xmlOptions?: WeChatXmlOptions;
}

export interface OpenedWeChatPush {
  message: WeChatMessage;
  encrypted: boolean;
  /** The plaintext XML the message was read from. */
  xml: string;
}

/**
 * Verifies and reads one push: the `signature` query first (nothing is parsed for a forged
 * request), then in safe mode `msg_signature` over the ciphertext and the AppID inside it.
 */
export function openWeChatPush(request: WeChatPushRequest): OpenedWeChatPush {
  const { query } = request;
  if (!verifyWeChatSignature(request.token, query.timestamp, query.nonce, query.signature)) {
    throw new WeChatProtocolError('bad-signature', 'signature does not match the account token');
  }
  if (query.encrypt_type !== 'aes') {
    return {
      message: parseWeChatMessage(request.body, request.xmlOptions),
      encrypted: false,
      xml: request.body,
    };
  }
  if (!request.crypto)
    throw new WeChatProtocolError(
      'invalid-aes-key',
      'the account has no EncodingAESKey configured for safe mode',
    );
  const envelope = parseWeChatEncryptedEnvelope(request.body, request.xmlOptions);
  const xml = request.crypto.verifyAndDecrypt({
    msgSignature: query.msg_signature,
    timestamp: query.timestamp,
    nonce: query.nonce,
    encrypt: envelope.encrypt,
  });
  return { message: parseWeChatMessage(xml, request.xmlOptions), encrypted: true, xml };
}

/**
 * URL verification (GET): the `echostr` to answer with when the signature is right; throws
 * `bad-signature` otherwise.
 */
export function answerWeChatUrlVerification(token: string, query: WeChatPushQuery): string {
  if (
    !verifyWeChatSignature(token, query.timestamp, query.nonce, query.signature) ||
    typeof query.echostr !== 'string'
  ) {
    throw new WeChatProtocolError('bad-signature', 'signature does not match the account token');
  }
  return query.echostr;
}
