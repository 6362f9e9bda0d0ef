// Throughput of the channel protocol code on one core: `node tools/run-ts.js services/ingestion/src/domain/channels/channels.bench.ts`.
// Prints numbers only; nothing is asserted.
import * as iconv from 'iconv-lite';
import { parseInboundEmail } from './email/inbound-email.parser';
import { CallAggregator, type CallState } from './phone/call-aggregator';
import { normalizePhone } from './phone/phone-number';
import { WeChatCrypto } from './wechat/wechat-crypto';
import { openWeChatPush } from './wechat/wechat-push';
import { computeWeChatSignature } from './wechat/wechat-signature';
import { buildWeChatXml } from './wechat/wechat-xml.builder';

async function measure(label: string, iterations: number, fn: (i: number) => unknown): Promise<void> {
  for (let i = 0; i < Math.min(200, iterations); i++) await fn(i);
  const start = process.hrtime.bigint();
  for (let i = 0; i < iterations; i++) await fn(i);
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  process.stdout.write(
    `${label.padEnd(44)} ${(iterations / seconds).toFixed(0).padStart(8)} ops/s  ${((seconds / iterations) * 1e6).toFixed(1).padStart(8)} µs/op\n`,
  );
}

async function main(): Promise<void> {
  const text = iconv
    .encode('您好，我的订单还没有收到，请帮忙查询。\n\n张三\n\n在 2025年11月3日 写道：\n> 已发货', 'gbk')
    .toString('base64');
  const attachment = Buffer.alloc(64 * 1024, 7)
    .toString('base64')
    .replace(/(.{76})/g, '$1\r\n');
  const email = Buffer.from(
    [
      `From: =?GBK?B?${iconv.encode('张三', 'gbk').toString('base64')}?= <zs@example.cn>`,
      'To: support@helpdesk.test',
      `Subject: =?GBK?B?${iconv.encode('订单未收到', 'gbk').toString('base64')}?= [#TK-1A2B3C]`,
      'Message-ID: <bench@example.cn>',
      'Content-Type: multipart/mixed; boundary="b"',
      '',
      '--b',
      'Content-Type: text/plain; charset=GBK',
      'Content-Transfer-Encoding: base64',
      '',
      text,
      '--b',
      'Content-Type: application/octet-stream; name="a.bin"',
      'Content-Transfer-Encoding: base64',
      '',
      attachment,
      '--b--',
      '',
    ].join('\r\n'),
    'latin1',
  );
  await measure('parseInboundEmail (GBK, 64 KiB attachment)', 2000, () => parseInboundEmail(email));

  const token = 'dev-wechat-token';
  const xml = buildWeChatXml({
    ToUserName: 'gh_a',
    FromUserName: 'oUser',
    CreateTime: 1700000000,
    MsgType: 'text',
    Content: '请问退款多久到账？',
    MsgId: '1',
  });
  const signature = computeWeChatSignature(token, '1700000000', 'n');
  await measure('openWeChatPush (plaintext)', 20000, () =>
    openWeChatPush({ body: xml, query: { signature, timestamp: '1700000000', nonce: 'n' }, token }),
  );
  const crypto = new WeChatCrypto({
    token,
    encodingAesKey: 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG',
    appId: 'wxapp',
  });
  const envelope = crypto.encryptReply(xml, '1700000000', 'n');
  const body = buildWeChatXml({ ToUserName: 'gh_a', Encrypt: envelope.encrypt });
  const query = {
    signature,
    timestamp: '1700000000',
    nonce: 'n',
    encrypt_type: 'aes',
    msg_signature: envelope.msgSignature,
  };
  await measure('openWeChatPush (safe mode, AES)', 20000, () =>
    openWeChatPush({ body, query, token, crypto }),
  );

  const numbers = ['13800138000', '+86 10 1234 5678', '0086 139 1234 5678', '400-800-1234'];
  await measure('normalizePhone', 20000, (i) => normalizePhone(numbers[i % numbers.length]));

  const aggregator = new CallAggregator();
  await measure('CallAggregator (4-event call)', 5000, (i) => {
    let state: CallState | null = null;
    const callId = `c${i}`;
    const base = { callId, from: '13800138000', to: '4008001234' };
    for (const event of [
      { ...base, event: 'call.started', at: '2025-11-03T02:00:00Z' },
      { ...base, event: 'ivr.selected', at: '2025-11-03T02:00:05Z', ivrPath: '1' },
      { ...base, event: 'call.ended', at: '2025-11-03T02:03:00Z', durationSec: 180 },
      { ...base, event: 'transcript.ready', at: '2025-11-03T02:04:00Z', transcript: '我要退货' },
    ]) {
      state = aggregator.apply(state, event, new Date('2025-11-03T02:05:00Z')).state;
    }
    return state;
  });
}

main().catch((error: unknown) => {
  process.stderr.write(`${String(error)}\n`);
  process.exit(1);
});
