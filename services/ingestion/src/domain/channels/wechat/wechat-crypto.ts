import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { WeChatProtocolError } from './wechat-protocol.error';
import { computeWeChatMsgSignature, verifyWeChatMsgSignature } from './wechat-signature';
import { buildWeChatXml } from './wechat-xml.builder';

export interface WeChatCryptoOptions {
  token: string;
  /** The 43-character EncodingAESKey of the Official Account. */
  encodingAesKey: string;
  appId: string;
  /** Source of the 16 random prefix bytes; injectable so encryption can be checked against known answers. */
  randomBytes?: (size: number) => Buffer;
}

export interface WeChatEncryptedReply {
  encrypt: string;
  msgSignature: string;
  timestamp: string;
  nonce: string;
  /** The reply envelope: `<xml><Encrypt/><MsgSignature/><TimeStamp/><Nonce/></xml>`. */
  xml: string;
}

const BLOCK_SIZE = 32;
const RANDOM_PREFIX = 16;
const LENGTH_FIELD = 4;

/**
 * WeChat's message encryption for safe mode (the WXBizMsgCrypt scheme): AES-256-CBC with the key
 * base64-decoded from EncodingAESKey + '=', IV = first 16 key bytes, PKCS#7 padding to 32-byte blocks,
 * plaintext = 16 random bytes + 4-byte big-endian XML length + XML + AppID.
 */
export class WeChatCrypto {
  private readonly key: Buffer;
  private readonly iv: Buffer;
  private readonly random: (size: number) => Buffer;

  constructor(private readonly options: WeChatCryptoOptions) {
    if (!/^[A-Za-z0-9+/]{43}$/.test(options.encodingAesKey)) {
      throw new WeChatProtocolError('invalid-aes-key', 'EncodingAESKey must be 43 base64 characters');
    }
    this.key = Buffer.from(`${options.encodingAesKey}=`, 'base64');
    if (this.key.length !== 32)
      throw new WeChatProtocolError('invalid-aes-key', 'EncodingAESKey does not decode to 32 bytes');
    this.iv = this.key.subarray(0, 16);
    this.random = options.randomBytes ?? randomBytes;
  }

  /** Decrypts an `Encrypt` value and checks that it was meant for this AppID; returns the inner XML. */
  decrypt(encrypt: string): string {
    let plain: Buffer;
    try {
      const decipher = createDecipheriv('aes-256-cbc', this.key, this.iv);
      decipher.setAutoPadding(false);
      plain = Buffer.concat([decipher.update(Buffer.from(encrypt, 'base64')), decipher.final()]);
    } catch {
      throw new WeChatProtocolError('decrypt-failed', 'the ciphertext could not be decrypted');
    }
    const pad = plain.length > 0 ? plain[plain.length - 1] : 0;
    if (pad < 1 || pad > BLOCK_SIZE || pad > plain.length)
      throw new WeChatProtocolError('decrypt-failed', 'invalid padding');
    const content = plain.subarray(0, plain.length - pad);
    if (content.length < RANDOM_PREFIX + LENGTH_FIELD)
      throw new WeChatProtocolError('decrypt-failed', 'plaintext too short');
    const xmlLength = content.readUInt32BE(RANDOM_PREFIX);
    const xmlStart = RANDOM_PREFIX + LENGTH_FIELD;
    if (xmlStart + xmlLength > content.length)
      throw new WeChatProtocolError('decrypt-failed', 'declared length exceeds plaintext');
    const appId = content.subarray(xmlStart + xmlLength).toString('utf8');
    if (appId !== this.options.appId)
      throw new WeChatProtocolError('app-id-mismatch', 'the message was encrypted for another AppID');
    return content.subarray(xmlStart, xmlStart + xmlLength).toString('utf8');
  }

  /** Encrypts XML for this AppID; returns the base64 `Encrypt` value. */
  encrypt(xml: string): string {
    const random = this.random(RANDOM_PREFIX);
    if (random.length !== RANDOM_PREFIX) throw new RangeError('randomBytes must return 16 bytes');
    const body = Buffer.from(xml, 'utf8');
    const length = Buffer.alloc(LENGTH_FIELD);
    length.writeUInt32BE(body.length);
    const unpadded = Buffer.concat([random, length, body, Buffer.from(this.options.appId, 'utf8')]);
    const pad = BLOCK_SIZE - (unpadded.length % BLOCK_SIZE);
    const cipher = createCipheriv('aes-256-cbc', this.key, this.iv);
    cipher.setAutoPadding(false);
    return Buffer.concat([
      cipher.update(Buffer.concat([unpadded, Buffer.alloc(pad, pad)])),
      cipher.final(),
    ]).toString('base64');
  }

  /** Checks `msg_signature` against the token and the `Encrypt` value, then decrypts. */
  verifyAndDecrypt(params: {
    msgSignature: unknown;
    timestamp: unknown;
    nonce: unknown;
    encrypt: string;
  }): string {
    if (
      !verifyWeChatMsgSignature(
        this.options.token,
        params.timestamp,
        params.nonce,
        params.encrypt,
        params.msgSignature,
      )
    ) {
      throw new WeChatProtocolError('bad-signature', 'msg_signature does not match');
    }
    return this.decrypt(params.encrypt);
  }

  /** Encrypts a passive reply (or a test push) and wraps it in the signed envelope WeChat expects. */
  encryptReply(xml: string, timestamp: string, nonce: string): WeChatEncryptedReply {
    const encrypt = this.encrypt(xml);
    const msgSignature = computeWeChatMsgSignature(this.options.token, timestamp, nonce, encrypt);
    return {
      encrypt,
      msgSignature,
      timestamp,
      nonce,
      xml: buildWeChatXml({
        Encrypt: encrypt,
        MsgSignature: msgSignature,
        TimeStamp: timestamp,
        Nonce: nonce,
      }),
    };
  }
}
