import type { WeChatMessage } from '../channels/wechat/wechat-message.parser';
import { capBody, type Attachment } from '../message';

/** What one WeChat push becomes: a customer message, a recorded account event, or nothing. */
export type WeChatIngestPlan =
  | {
      kind: 'message';
      openId: string;
      externalMessageId: string;
      body: string;
      attachments: Attachment[];
      metadata: Record<string, unknown>;
      occurredAt: Date;
    }
  | {
      kind: 'event';
      openId: string;
      event: string;
      eventKey: string | null;
      dedupKey: string;
      /** Subscribing or clicking a menu is a real follower; unsubscribing must not create one. */
      createsCustomer: boolean;
      /** A menu click the account lists as "talk to us" also becomes a message. */
      message: { body: string; externalMessageId: string } | null;
      payload: Record<string, unknown>;
      occurredAt: Date;
    }
  | { kind: 'ignore'; reason: string };

export interface WeChatPlanOptions {
  /** CLICK event keys that mean the user wants to talk to support. */
  menuKeysAsMessages?: readonly string[];
}

const httpUrl = (value: string): string | undefined => (/^https?:\/\/\S+$/i.test(value) ? value : undefined);

/** Maps a parsed push to what ingestion stores; pure, the push's CreateTime is the time. */
export function planWeChatIngest(message: WeChatMessage, options: WeChatPlanOptions = {}): WeChatIngestPlan {
  const base = { openId: message.fromUserName, occurredAt: new Date(message.createTime * 1000) };
  const account = { account: message.toUserName };
  const text = (
    body: string,
    attachments: Attachment[],
    metadata: Record<string, unknown>,
    msgId: string,
  ): WeChatIngestPlan => {
    const capped = capBody(body);
    return {
      kind: 'message',
      ...base,
      externalMessageId: msgId,
      body: capped.body,
      attachments,
      metadata: {
        wechat: { ...account, openId: message.fromUserName, msgType: message.msgType, ...metadata },
        ...(capped.truncated ? { truncated: true } : {}),
      },
    };
  };
  switch (message.msgType) {
    case 'text':
      return text(message.content.trim() === '' ? '[空消息]' : message.content, [], {}, message.msgId);
    case 'voice':
      return text(
        message.recognition?.trim() ? message.recognition : '[语音消息]',
        [],
        {
          mediaId: message.mediaId,
          format: message.format,
          recognized: Boolean(message.recognition?.trim()),
        },
        message.msgId,
      );
    case 'image': {
      const url = httpUrl(message.picUrl);
      const attachment: Attachment = {
        filename: `wechat-image-${message.msgId}.jpg`,
        contentType: 'image/jpeg',
        size: 0,
        ...(url ? { url } : {}),
      };
      return text(
        '[图片]',
        [attachment],
        { mediaId: message.mediaId, picUrl: message.picUrl },
        message.msgId,
      );
    }
    case 'video':
    case 'shortvideo':
      return text(
        '[视频]',
        [],
        { mediaId: message.mediaId, thumbMediaId: message.thumbMediaId },
        message.msgId,
      );
    case 'location': {
      const place = message.label.trim() !== '' ? `${message.label} ` : '';
      return text(
        `[位置] ${place}(${message.latitude}, ${message.longitude})`,
        [],
        {
          latitude: message.latitude,
          longitude: message.longitude,
          scale: message.scale,
          label: message.label,
        },
        message.msgId,
      );
    }
    case 'link':
      return text(
        ['[链接]', message.title, message.description, message.url].filter((p) => p.trim() !== '').join('\n'),
        [],
        { title: message.title, url: message.url },
        message.msgId,
      );
    case 'event': {
      const eventKey = 'eventKey' in message ? message.eventKey : null;
      const listed =
        message.event === 'CLICK' && (options.menuKeysAsMessages ?? []).includes(message.eventKey);
      return {
        kind: 'event',
        ...base,
        event: message.event,
        eventKey,
        dedupKey: message.dedupKey,
        createsCustomer: message.event !== 'unsubscribe' && message.event !== 'VIEW',
        message: listed ? { body: `[菜单] ${message.eventKey}`, externalMessageId: message.dedupKey } : null,
        payload: { ...account, ...('ticket' in message && message.ticket ? { ticket: message.ticket } : {}) },
      };
    }
    case 'unsupported':
      if (message.event !== null) {
        return {
          kind: 'event',
          ...base,
          event: message.event.slice(0, 60),
          eventKey: null,
          dedupKey: message.dedupKey,
          createsCustomer: false,
          message: null,
          payload: account,
        };
      }
      return { kind: 'ignore', reason: `unsupported message type ${message.originalMsgType}` };
  }
}
