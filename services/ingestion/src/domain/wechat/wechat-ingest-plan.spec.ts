import { parseWeChatMessage } from '../channels/wechat/wechat-message.parser';
import { buildWeChatXml, type WeChatXmlValue } from '../channels/wechat/wechat-xml.builder';
import { planWeChatIngest } from './wechat-ingest-plan';

const push = (fields: Record<string, WeChatXmlValue>) =>
  parseWeChatMessage(
    buildWeChatXml({
      ToUserName: 'gh_account',
      FromUserName: 'oUser_123456',
      CreateTime: 1763884800,
      ...fields,
    }),
  );

describe('planWeChatIngest', () => {
  it('turns a text push into a message keyed by its MsgId at the push time', () => {
    const plan = planWeChatIngest(
      push({ MsgType: 'text', Content: '订单还没到', MsgId: '6054768590064713728' }),
    );
    expect(plan).toMatchObject({
      kind: 'message',
      openId: 'oUser_123456',
      externalMessageId: '6054768590064713728',
      body: '订单还没到',
      attachments: [],
    });
    expect(plan.kind === 'message' && plan.occurredAt.toISOString()).toBe('2025-11-23T08:00:00.000Z');
  });

  it('uses the speech recognition of a voice message, a placeholder without it', () => {
    const recognised = planWeChatIngest(
      push({ MsgType: 'voice', MediaId: 'm1', Format: 'amr', Recognition: '我要退款', MsgId: '1' }),
    );
    const silent = planWeChatIngest(push({ MsgType: 'voice', MediaId: 'm1', Format: 'amr', MsgId: '2' }));
    expect(recognised).toMatchObject({ body: '我要退款', metadata: { wechat: { recognized: true } } });
    expect(silent).toMatchObject({ body: '[语音消息]', metadata: { wechat: { recognized: false } } });
  });

  it('keeps an image as attachment metadata with its URL, a location and a link as readable text', () => {
    const image = planWeChatIngest(
      push({ MsgType: 'image', PicUrl: 'http://mmbiz.example/pic.jpg', MediaId: 'm', MsgId: '3' }),
    );
    expect(image).toMatchObject({
      body: '[图片]',
      attachments: [{ contentType: 'image/jpeg', url: 'http://mmbiz.example/pic.jpg' }],
    });
    const location = planWeChatIngest(
      push({
        MsgType: 'location',
        Location_X: '23.134521',
        Location_Y: '113.358803',
        Scale: '20',
        Label: '广州市天河区',
        MsgId: '4',
      }),
    );
    expect(location).toMatchObject({ body: '[位置] 广州市天河区 (23.134521, 113.358803)' });
    const link = planWeChatIngest(
      push({
        MsgType: 'link',
        Title: '订单页',
        Description: '看这里',
        Url: 'https://shop.example/o/1',
        MsgId: '5',
      }),
    );
    expect(link).toMatchObject({ body: '[链接]\n订单页\n看这里\nhttps://shop.example/o/1' });
  });

  it('records subscribe and unsubscribe as events without a message; only subscribe creates the customer', () => {
    const sub = planWeChatIngest(push({ MsgType: 'event', Event: 'subscribe' }));
    const unsub = planWeChatIngest(push({ MsgType: 'event', Event: 'unsubscribe' }));
    expect(sub).toMatchObject({ kind: 'event', event: 'subscribe', createsCustomer: true, message: null });
    expect(unsub).toMatchObject({
      kind: 'event',
      event: 'unsubscribe',
      createsCustomer: false,
      message: null,
    });
  });

  it('makes a menu click a message only when the account lists its key', () => {
    const click = push({ MsgType: 'event', Event: 'CLICK', EventKey: 'CONTACT_US' });
    expect(planWeChatIngest(click)).toMatchObject({
      kind: 'event',
      event: 'CLICK',
      eventKey: 'CONTACT_US',
      message: null,
    });
    expect(planWeChatIngest(click, { menuKeysAsMessages: ['CONTACT_US'] })).toMatchObject({
      kind: 'event',
      message: { body: '[菜单] CONTACT_US', externalMessageId: 'event:oUser_123456:1763884800:CLICK' },
    });
  });
});
