import { WeChatCrypto } from './wechat-crypto';
import { parseWeChatEncryptedEnvelope, parseWeChatMessage } from './wechat-message.parser';
import { WeChatProtocolError } from './wechat-protocol.error';
import { computeWeChatSignature, verifyWeChatMsgSignature, verifyWeChatSignature } from './wechat-signature';

// Published test vectors of WeChat's WXBizMsgCrypt sample code.
const SAMPLE_KEY = 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG';
const SAMPLE_ENCRYPT =
  'hyzAe4OzmOMbd6TvGdIOO6uBmdJoD0Fk53REIHvxYtJlE2B655HuD0m8KUePWB3+LrPXo87wzQ1QLvbeUgmBM4x6F8PGHQHFVAFmOD2LdJF9FrXpbUAh0B5GIItb52sn896wVsMSHGuPE328HnRGBcrS7C41IzDWyWNlZkyyXwon8T332jisa+h6tEDYsVticbSnyU8dKOIbgU6ux5VTjg3yt+WGzjlpKn6NPhRjpA912xMezR4kw6KWwMrCVKSVCZciVGCgavjIQ6X8tCOp3yZbGpy0VxpAe+77TszTfRd5RJSVO/HTnifJpXgCSUdUue1v6h0EIBYYI1BD1DlD+C0CR8e6OewpusjZ4uBl9FyJvnhvQl+q5rv1ixrcpCumEPo5MJSgM9ehVsNPfUM669WuMyVWQLCzpu9GhglF2PE=';

describe('WeChat signatures', () => {
  it('accepts the SHA1 of the sorted token, timestamp and nonce and nothing else', () => {
    const signature = computeWeChatSignature('dev-wechat-token', '1700000000', '42');
    expect(verifyWeChatSignature('dev-wechat-token', '1700000000', '42', signature)).toBe(true);
    expect(verifyWeChatSignature('dev-wechat-token', '1700000000', '42', signature.toUpperCase())).toBe(true);
    expect(verifyWeChatSignature('other-token', '1700000000', '42', signature)).toBe(false);
    expect(verifyWeChatSignature('dev-wechat-token', '1700000001', '42', signature)).toBe(false);
    expect(verifyWeChatSignature('dev-wechat-token', '1700000000', '42', signature.slice(1))).toBe(false);
    expect(verifyWeChatSignature('dev-wechat-token', undefined, '42', signature)).toBe(false);
    expect(verifyWeChatSignature('dev-wechat-token', '1700000000', '42', ['x'])).toBe(false);
  });

  it('matches the msg_signature of the official sample', () => {
    expect(
      verifyWeChatMsgSignature(
        'spamtest',
        '1409735669',
        '1320562132',
        SAMPLE_ENCRYPT,
        '5d197aaffba7e9b25a30732f161a50dee96bd5fa',
      ),
    ).toBe(true);
    expect(
      verifyWeChatMsgSignature(
        'spamtest',
        '1409735669',
        '1320562133',
        SAMPLE_ENCRYPT,
        '5d197aaffba7e9b25a30732f161a50dee96bd5fa',
      ),
    ).toBe(false);
  });
});

describe('WeChatCrypto', () => {
  it('decrypts the official sample and reads the message inside', () => {
    const crypto = new WeChatCrypto({
      token: 'spamtest',
      encodingAesKey: SAMPLE_KEY,
      appId: 'wx2c2769f8efd9abc2',
    });
    const xml = crypto.verifyAndDecrypt({
      msgSignature: '5d197aaffba7e9b25a30732f161a50dee96bd5fa',
      timestamp: '1409735669',
      nonce: '1320562132',
      encrypt: SAMPLE_ENCRYPT,
    });
    expect(parseWeChatMessage(xml)).toMatchObject({
      msgType: 'text',
      content: 'abcdteT',
      msgId: '6054768590064713728',
      fromUserName: 'oyORnuP8q7ou2gfYjqLzSIWZf0rs',
    });
  });

  it('encrypts exactly as the official sample for a fixed random prefix', () => {
    const crypto = new WeChatCrypto({
      token: 'pamtest',
      encodingAesKey: SAMPLE_KEY,
      appId: 'wxb11529c136998cb6',
      randomBytes: () => Buffer.from('aaaabbbbccccdddd'),
    });
    expect(crypto.encrypt('我是中文abcd123')).toBe(
      'jn1L23DB+6ELqJ+6bruv21Y6MD7KeIfP82D6gU39rmkgczbWwt5+3bnyg5K55bgVtVzd832WzZGMhkP72vVOfg==',
    );
  });

  it('round-trips a signed encrypted envelope', () => {
    const crypto = new WeChatCrypto({
      token: 't0ken',
      encodingAesKey: 'Z'.repeat(42) + 'A',
      appId: 'wx1234567890abcdef',
    });
    const inner =
      '<xml><ToUserName><![CDATA[gh_1]]></ToUserName><FromUserName><![CDATA[oUser]]></FromUserName><CreateTime>1700000000</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[退款什么时候到账？]]></Content><MsgId>1</MsgId></xml>';
    const reply = crypto.encryptReply(inner, '1700000000', 'n0nce');
    const envelope = parseWeChatEncryptedEnvelope(reply.xml);
    expect(envelope.encrypt).toBe(reply.encrypt);
    expect(
      crypto.verifyAndDecrypt({
        msgSignature: reply.msgSignature,
        timestamp: '1700000000',
        nonce: 'n0nce',
        encrypt: envelope.encrypt,
      }),
    ).toBe(inner);
    // Random prefixes make two encryptions of the same message differ.
    expect(crypto.encrypt(inner)).not.toBe(reply.encrypt);
  });

  it('refuses a message encrypted for another AppID, a tampered ciphertext and a wrong msg_signature', () => {
    const key = 'K'.repeat(43);
    const ours = new WeChatCrypto({ token: 't', encodingAesKey: key, appId: 'wx-ours' });
    const theirs = new WeChatCrypto({ token: 't', encodingAesKey: key, appId: 'wx-theirs' });
    const code = (fn: () => unknown): string => {
      try {
        fn();
        return 'no error';
      } catch (error: unknown) {
        return error instanceof WeChatProtocolError ? error.code : 'untyped';
      }
    };
    expect(code(() => ours.decrypt(theirs.encrypt('<xml/>')))).toBe('app-id-mismatch');
    expect(code(() => ours.decrypt('bm90IGEgY2lwaGVydGV4dA=='))).toBe('decrypt-failed');
    expect(code(() => ours.decrypt(''))).toBe('decrypt-failed');
    const tampered = Buffer.from(ours.encrypt('<xml><a>1</a></xml>'), 'base64');
    tampered[tampered.length - 1] ^= 0xff;
    expect(['decrypt-failed', 'app-id-mismatch']).toContain(
      code(() => ours.decrypt(tampered.toString('base64'))),
    );
    const envelope = ours.encryptReply('<xml/>', '1', '2');
    expect(
      code(() =>
        ours.verifyAndDecrypt({
          msgSignature: '0'.repeat(40),
          timestamp: '1',
          nonce: '2',
          encrypt: envelope.encrypt,
        }),
      ),
    ).toBe('bad-signature');
  });

  it('rejects an EncodingAESKey that is not 43 base64 characters', () => {
    expect(() => new WeChatCrypto({ token: 't', encodingAesKey: 'short', appId: 'wx' })).toThrow(
      WeChatProtocolError,
    );
    expect(() => new WeChatCrypto({ token: 't', encodingAesKey: '!'.repeat(43), appId: 'wx' })).toThrow(
      WeChatProtocolError,
    );
  });
});
