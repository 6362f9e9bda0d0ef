import { buildWeChatTextReply, buildWeChatXml } from './wechat-xml.builder';
import { parseWeChatMessage } from './wechat-message.parser';
import { WeChatProtocolError } from './wechat-protocol.error';

/** The error a call throws, or undefined; lets tests assert on typed error fields. */
function caught(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error: unknown) {
    return error;
  }
  return undefined;
}

const base = { ToUserName: 'gh_account', FromUserName: 'oUserOpenId123', CreateTime: 1700000000 };
const push = (fields: Record<string, string | number>): string => buildWeChatXml({ ...base, ...fields });

function errorCode(xml: string): string {
  try {
    parseWeChatMessage(xml);
    return 'no error';
  } catch (error: unknown) {
    return error instanceof WeChatProtocolError ? error.code : 'untyped';
  }
}

describe('parseWeChatMessage', () => {
  it('reads a text message and keeps the 64-bit MsgId exact', () => {
    const message = parseWeChatMessage(
      push({ MsgType: 'text', Content: '我的订单 <123> & 发票', MsgId: '24412345678901234567' }),
    );
    expect(message).toEqual({
      toUserName: 'gh_account',
      fromUserName: 'oUserOpenId123',
      createTime: 1700000000,
      msgType: 'text',
      msgId: '24412345678901234567',
      content: '我的订单 <123> & 发票',
      dedupKey: 'msg:24412345678901234567',
    });
  });

  it('reads image, voice with recognition, video, location and link messages', () => {
    expect(
      parseWeChatMessage(
        push({ MsgType: 'image', PicUrl: 'http://mmbiz.example/p.jpg', MediaId: 'm1', MsgId: '1' }),
      ),
    ).toMatchObject({
      msgType: 'image',
      picUrl: 'http://mmbiz.example/p.jpg',
      mediaId: 'm1',
    });
    expect(
      parseWeChatMessage(
        push({ MsgType: 'voice', MediaId: 'm2', Format: 'amr', Recognition: '我要退货', MsgId: '2' }),
      ),
    ).toMatchObject({
      msgType: 'voice',
      format: 'amr',
      recognition: '我要退货',
    });
    expect(
      parseWeChatMessage(push({ MsgType: 'voice', MediaId: 'm2', Format: 'speex', MsgId: '3' })),
    ).toMatchObject({ recognition: null });
    expect(
      parseWeChatMessage(push({ MsgType: 'video', MediaId: 'm3', ThumbMediaId: 't3', MsgId: '4' })),
    ).toMatchObject({ msgType: 'video', thumbMediaId: 't3' });
    expect(
      parseWeChatMessage(
        push({
          MsgType: 'location',
          Location_X: '23.134521',
          Location_Y: '113.358803',
          Scale: '20',
          Label: '广州市天河区',
          MsgId: '5',
        }),
      ),
    ).toMatchObject({
      msgType: 'location',
      latitude: 23.134521,
      longitude: 113.358803,
      scale: 20,
      label: '广州市天河区',
    });
    expect(
      parseWeChatMessage(
        push({ MsgType: 'link', Title: 'T', Description: 'D', Url: 'https://example.com/a', MsgId: '6' }),
      ),
    ).toMatchObject({
      msgType: 'link',
      title: 'T',
      description: 'D',
      url: 'https://example.com/a',
    });
  });

  it('reads events and derives a retry-stable key from user, time and event', () => {
    const subscribe = parseWeChatMessage(
      push({ MsgType: 'event', Event: 'subscribe', EventKey: 'qrscene_123', Ticket: 'TK' }),
    );
    expect(subscribe).toMatchObject({
      msgType: 'event',
      event: 'subscribe',
      eventKey: 'qrscene_123',
      ticket: 'TK',
    });
    expect(subscribe.dedupKey).toBe('event:oUserOpenId123:1700000000:subscribe');
    expect(parseWeChatMessage(push({ MsgType: 'event', Event: 'unsubscribe' }))).toMatchObject({
      event: 'unsubscribe',
    });
    expect(
      parseWeChatMessage(push({ MsgType: 'event', Event: 'CLICK', EventKey: 'MENU_HUMAN_AGENT' })),
    ).toMatchObject({ event: 'CLICK', eventKey: 'MENU_HUMAN_AGENT' });
    expect(
      parseWeChatMessage(push({ MsgType: 'event', Event: 'VIEW', EventKey: 'https://shop.example' })),
    ).toMatchObject({ event: 'VIEW' });
    expect(
      parseWeChatMessage(push({ MsgType: 'event', Event: 'SCAN', EventKey: '123', Ticket: 'T' })),
    ).toMatchObject({ event: 'SCAN', eventKey: '123' });
    const again = parseWeChatMessage(
      push({ MsgType: 'event', Event: 'subscribe', EventKey: 'qrscene_123', Ticket: 'TK' }),
    );
    expect(again.dedupKey).toBe(subscribe.dedupKey);
  });

  it('returns unknown kinds as unsupported instead of failing', () => {
    expect(parseWeChatMessage(push({ MsgType: 'miniprogrampage', MsgId: '9' }))).toMatchObject({
      msgType: 'unsupported',
      originalMsgType: 'miniprogrampage',
      dedupKey: 'msg:9',
    });
    expect(parseWeChatMessage(push({ MsgType: 'event', Event: 'TEMPLATESENDJOBFINISH' }))).toMatchObject({
      msgType: 'unsupported',
      event: 'TEMPLATESENDJOBFINISH',
    });
  });

  it('refuses DOCTYPE and ENTITY declarations (XXE, billion laughs)', () => {
    const xxe =
      '<?xml version="1.0"?><!DOCTYPE xml [<!ENTITY x SYSTEM "file:///etc/passwd">]><xml><Content>&x;</Content></xml>';
    const laughs =
      '<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]><xml><Content>&lol2;</Content></xml>';
    expect(errorCode(xxe)).toBe('forbidden-dtd');
    expect(errorCode(laughs)).toBe('forbidden-dtd');
  });

  it.each([
    ['unclosed tags', '<xml><ToUserName>gh</xml>', 'malformed-xml'],
    ['not XML', 'hello', 'malformed-xml'],
    ['empty', '', 'malformed-xml'],
    ['wrong root', '<root><a>1</a></root>', 'malformed-xml'],
    ['missing MsgId', buildWeChatXml({ ...base, MsgType: 'text', Content: 'hi' }), 'missing-field'],
    [
      'missing FromUserName',
      buildWeChatXml({ ToUserName: 'gh', CreateTime: 1, MsgType: 'text', Content: 'x', MsgId: '1' }),
      'missing-field',
    ],
    [
      'bad CreateTime',
      buildWeChatXml({ ...base, CreateTime: 'yesterday', MsgType: 'text', Content: 'x', MsgId: '1' }),
      'malformed-xml',
    ],
    [
      'repeated element',
      '<xml><ToUserName>a</ToUserName><ToUserName>b</ToUserName><FromUserName>u</FromUserName><CreateTime>1</CreateTime><MsgType>text</MsgType><Content>x</Content><MsgId>1</MsgId></xml>',
      'malformed-xml',
    ],
  ])('rejects %s with a typed error', (_label, xml, code) => {
    expect(errorCode(xml)).toBe(code);
  });

  it.each([
    ['a raw NUL', '\u0000'],
    ['a vertical tab', '\u000B'],
  ])('rejects content with %s as malformed XML', (_label, bad) => {
    expect(errorCode(push({ MsgType: 'text', Content: `hi${bad}there`, MsgId: '1' }))).toBe('malformed-xml');
  });

  it('drops a NUL that a character reference decodes to', () => {
    const xml = push({ MsgType: 'text', MsgId: '1' }).replace('</xml>', '<Content>a&#0;b</Content></xml>');
    expect(parseWeChatMessage(xml)).toMatchObject({ content: 'ab' });
  });

  it('rejects oversize XML', () => {
    expect(
      caught(() =>
        parseWeChatMessage(push({ MsgType: 'text', Content: 'x'.repeat(2000), MsgId: '1' }), {
          maxBytes: 1000,
        }),
      ),
    ).toMatchObject({ code: 'too-large' });
  });
});

describe('buildWeChatXml', () => {
  it('writes CDATA that survives "]]>" in the content', () => {
    const xml = buildWeChatTextReply({
      toUserName: 'oUser',
      fromUserName: 'gh_account',
      createTime: 1700000001,
      content: 'a]]>b',
    });
    expect(xml).toContain('<CreateTime>1700000001</CreateTime>');
    const parsed = parseWeChatMessage(xml.replace('</xml>', '<MsgId>7</MsgId></xml>'));
    expect(parsed).toMatchObject({ msgType: 'text', content: 'a]]>b', toUserName: 'oUser' });
  });
});
