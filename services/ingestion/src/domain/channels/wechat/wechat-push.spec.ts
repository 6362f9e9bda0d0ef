import { WeChatCrypto } from './wechat-crypto';
import { answerWeChatUrlVerification, openWeChatPush } from './wechat-push';
import { WeChatProtocolError } from './wechat-protocol.error';
import { computeWeChatSignature } from './wechat-signature';
import { buildWeChatXml } from './wechat-xml.builder';

/** The error a call throws, or undefined; lets tests assert on typed error fields. */
function caught(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error: unknown) {
    return error;
  }
  return undefined;
}

const TOKEN = 'dev-wechat-token';
const text = buildWeChatXml({
  ToUserName: 'gh_a',
  FromUserName: 'oUser',
  CreateTime: 1700000000,
  MsgType: 'text',
  Content: '你好',
  MsgId: '100',
});
const signed = (timestamp: string, nonce: string) => ({
  timestamp,
  nonce,
  signature: computeWeChatSignature(TOKEN, timestamp, nonce),
});

describe('openWeChatPush', () => {
  it('opens a signed plaintext push', () => {
    const opened = openWeChatPush({ body: text, query: signed('1700000000', 'abc'), token: TOKEN });
    expect(opened.encrypted).toBe(false);
    expect(opened.message).toMatchObject({ msgType: 'text', content: '你好', dedupKey: 'msg:100' });
  });

  it('opens a signed encrypted push', () => {
    const crypto = new WeChatCrypto({
      token: TOKEN,
      encodingAesKey: 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG',
      appId: 'wxapp',
    });
    const envelope = crypto.encryptReply(text, '1700000000', 'abc');
    const body = buildWeChatXml({ ToUserName: 'gh_a', Encrypt: envelope.encrypt });
    const query = {
      ...signed('1700000000', 'abc'),
      encrypt_type: 'aes',
      msg_signature: envelope.msgSignature,
    };
    const opened = openWeChatPush({ body, query, token: TOKEN, crypto });
    expect(opened.encrypted).toBe(true);
    expect(opened.message).toMatchObject({ msgType: 'text', content: '你好' });
    expect(
      caught(() =>
        openWeChatPush({ body, query: { ...query, msg_signature: 'f'.repeat(40) }, token: TOKEN, crypto }),
      ),
    ).toMatchObject({ code: 'bad-signature' });
    expect(caught(() => openWeChatPush({ body, query, token: TOKEN }))).toMatchObject({
      code: 'invalid-aes-key',
    });
  });

  it('refuses a forged signature before reading the body', () => {
    const forged = {
      timestamp: '1700000000',
      nonce: 'abc',
      signature: computeWeChatSignature('guess', '1700000000', 'abc'),
    };
    expect(caught(() => openWeChatPush({ body: '<!DOCTYPE x>', query: forged, token: TOKEN }))).toMatchObject(
      { code: 'bad-signature' },
    );
    expect(caught(() => openWeChatPush({ body: text, query: {}, token: TOKEN }))).toBeInstanceOf(
      WeChatProtocolError,
    );
  });

  it('answers URL verification with echostr only for the right signature', () => {
    expect(answerWeChatUrlVerification(TOKEN, { ...signed('1', '2'), echostr: 'echo-123' })).toBe('echo-123');
    expect(
      caught(() =>
        answerWeChatUrlVerification(TOKEN, {
          ...signed('1', '3'),
          signature: signed('1', '2').signature,
          echostr: 'e',
        }),
      ),
    ).toMatchObject({ code: 'bad-signature' });
  });
});
