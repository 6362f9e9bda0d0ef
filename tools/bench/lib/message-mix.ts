/**
 * The traffic a partner integration sends: web, app, api and social messages in Chinese and
 * English, mostly from new customers, some follow-ups in a conversation already accepted.
 * Deterministic for a seed, so two runs send the same mix.
 */

export const LOAD_CHANNELS = ['web', 'app', 'api', 'social'] as const;
export type LoadChannel = (typeof LOAD_CHANNELS)[number];

export interface SubmitMessageBody {
  channel: LoadChannel;
  customer: { externalId?: string; email?: string; name?: string; tier?: 'standard' | 'vip' | 'enterprise' };
  subject?: string;
  body: string;
  conversationId?: string;
  metadata: Record<string, unknown>;
}

export interface PlannedMessage {
  seq: number;
  language: 'zh' | 'en';
  /** Set for a follow-up: the conversation it continues. */
  followUpOf?: string;
  body: SubmitMessageBody;
}

export interface AcceptedRef {
  customer: SubmitMessageBody['customer'];
  conversationId: string;
  channel: LoadChannel;
}

const ZH = [
  ['无法登录', '我的账号从昨天开始就无法登录，一直提示密码错误，请尽快帮我处理。订单号 {n}'],
  ['退款进度', '我在 {d} 天前申请了退款，到现在还没有到账，请问什么时候能退回？订单 {n}'],
  ['快递没收到', '显示已签收，但是我根本没有收到快递，快递单号 {n}，请帮我查一下。'],
  ['账号被盗', '紧急！我的账号被盗了，有人在异地登录并且修改了绑定手机，马上帮我冻结账户！'],
  ['发票问题', '请帮我开具订单 {n} 的增值税专用发票，公司抬头已经在备注里填写。'],
  ['扣款两次', '同一笔订单被扣款两次，一共多扣了 {d}00 元，请核实后退还多扣的钱。'],
  ['商品质量', '收到的商品有明显破损，包装也被压坏了，要求换货或者退款，订单号 {n}。'],
  ['会员续费', '会员自动续费了但是我之前已经取消了自动续费，请帮我退回这次的费用。'],
  ['投诉客服', '我已经联系了 {d} 次客服都没有人解决问题，态度也很差，我要投诉！'],
  ['修改地址', '订单 {n} 还没有发货，我想修改一下收货地址，请问怎么操作？'],
] as const;

const EN = [
  ['Cannot sign in', 'I have not been able to sign in since yesterday, it keeps saying my password is wrong. Order {n}.'],
  ['Refund status', 'I asked for a refund {d} days ago and it has still not arrived. When will I get my money back? Order {n}'],
  ['Parcel not received', 'Tracking says delivered but I never received the parcel, tracking number {n}. Please check.'],
  ['Account hacked', 'URGENT: my account was hacked, someone logged in from another country and changed my phone number. Lock it now!'],
  ['Invoice request', 'Please issue a VAT invoice for order {n}; the company details are in the order notes.'],
  ['Charged twice', 'I was charged twice for the same order, {d}0 USD too much. Please refund the duplicate charge.'],
  ['Damaged item', 'The item arrived visibly damaged and the box was crushed. I want a replacement or a refund, order {n}.'],
  ['Subscription renewed', 'My subscription renewed automatically although I had turned auto-renewal off. Please refund it.'],
  ['Complaint', 'This is the {d}th time I contact support and nobody has solved my problem. I want to file a complaint.'],
  ['Change address', 'Order {n} has not shipped yet and I would like to change the delivery address. How can I do that?'],
] as const;

const FOLLOW_UPS_ZH = ['请问有进展了吗？', '补充一下：订单截图已经发到邮箱了。', '已经过了一天了，还是没有人回复我。'];
const FOLLOW_UPS_EN = ['Any update on this?', 'Adding a screenshot of the order to my e-mail.', 'It has been a day and still no answer.'];

/** mulberry32: small, fast, seedable. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export class MessageMix {
  private seq = 0;
  private readonly random: () => number;
  /** Recently accepted conversations a follow-up may continue (bounded). */
  private readonly open: AcceptedRef[] = [];

  constructor(
    private readonly runId: string,
    seed = 7,
    private readonly followUpShare = 0.15,
    private readonly zhShare = 0.5,
  ) {
    this.random = seededRandom(seed);
  }

  next(): PlannedMessage {
    const seq = ++this.seq;
    const language = this.random() < this.zhShare ? 'zh' : 'en';
    const previous = this.open.length > 0 && this.random() < this.followUpShare ? this.open[Math.floor(this.random() * this.open.length)] : undefined;
    if (previous) {
      const pool = language === 'zh' ? FOLLOW_UPS_ZH : FOLLOW_UPS_EN;
      return {
        seq,
        language,
        followUpOf: previous.conversationId,
        body: {
          channel: previous.channel,
          customer: previous.customer,
          conversationId: previous.conversationId,
          body: pool[seq % pool.length] ?? pool[0],
          metadata: { bench: this.runId, seq },
        },
      };
    }
    const templates = language === 'zh' ? ZH : EN;
    const [subject, template] = templates[Math.floor(this.random() * templates.length)] ?? templates[0];
    const channel = LOAD_CHANNELS[Math.floor(this.random() * LOAD_CHANNELS.length)] ?? 'web';
    const n = String(100000 + Math.floor(this.random() * 900000));
    const d = String(2 + Math.floor(this.random() * 8));
    const tierRoll = this.random();
    const tier = tierRoll < 0.1 ? 'enterprise' : tierRoll < 0.25 ? 'vip' : 'standard';
    const customerKey = `${this.runId}-c${seq}`;
    const customer: SubmitMessageBody['customer'] =
      channel === 'web' || channel === 'app' ? { email: `${customerKey}@bench.example`, tier } : { externalId: customerKey, tier };
    return {
      seq,
      language,
      body: {
        channel,
        customer,
        subject: channel === 'social' ? undefined : subject,
        body: template.replace('{n}', n).replace('{d}', d),
        metadata: { bench: this.runId, seq },
      },
    };
  }

  /** An accepted new conversation becomes eligible for follow-ups. */
  accepted(ref: AcceptedRef): void {
    this.open.push(ref);
    if (this.open.length > 5000) this.open.splice(0, this.open.length - 5000);
  }
}
