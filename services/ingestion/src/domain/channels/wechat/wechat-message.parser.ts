import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { WeChatProtocolError } from './wechat-protocol.error';

interface WeChatMessageBase {
  /** The Official Account's original id (gh_…). */
  toUserName: string;
  /** The user's OpenID. */
  fromUserName: string;
  /** Unix seconds, as sent. */
  createTime: number;
  /** Stable across WeChat's retries of one push: `msg:<MsgId>`, or `event:<OpenID>:<CreateTime>:<Event>`. */
  dedupKey: string;
}

export interface WeChatTextMessage extends WeChatMessageBase {
  msgType: 'text';
  msgId: string;
  content: string;
}
export interface WeChatImageMessage extends WeChatMessageBase {
  msgType: 'image';
  msgId: string;
  picUrl: string;
  mediaId: string;
}
export interface WeChatVoiceMessage extends WeChatMessageBase {
  msgType: 'voice';
  msgId: string;
  mediaId: string;
  format: string;
  /** WeChat's speech recognition result, when the account has it enabled. */
  recognition: string | null;
}
export interface WeChatVideoMessage extends WeChatMessageBase {
  msgType: 'video' | 'shortvideo';
  msgId: string;
  mediaId: string;
  thumbMediaId: string;
}
export interface WeChatLocationMessage extends WeChatMessageBase {
  msgType: 'location';
  msgId: string;
  /** Location_X. */
  latitude: number;
  /** Location_Y. */
  longitude: number;
  scale: number;
  label: string;
}
export interface WeChatLinkMessage extends WeChatMessageBase {
  msgType: 'link';
  msgId: string;
  title: string;
  description: string;
  url: string;
}
export interface WeChatSubscribeEvent extends WeChatMessageBase {
  msgType: 'event';
  event: 'subscribe';
  /** `qrscene_<scene>` when the user subscribed by scanning a parametric QR code. */
  eventKey: string | null;
  ticket: string | null;
}
export interface WeChatUnsubscribeEvent extends WeChatMessageBase {
  msgType: 'event';
  event: 'unsubscribe';
}
export interface WeChatClickEvent extends WeChatMessageBase {
  msgType: 'event';
  event: 'CLICK';
  eventKey: string;
}
export interface WeChatViewEvent extends WeChatMessageBase {
  msgType: 'event';
  event: 'VIEW';
  /** The URL of the menu item. */
  eventKey: string;
}
export interface WeChatScanEvent extends WeChatMessageBase {
  msgType: 'event';
  event: 'SCAN';
  eventKey: string;
  ticket: string | null;
}
/** A well-formed push of a kind ingestion does not handle (mini-program cards, template-send reports…): acknowledge and ignore. */
export interface WeChatUnsupportedMessage extends WeChatMessageBase {
  msgType: 'unsupported';
  originalMsgType: string;
  event: string | null;
  msgId: string | null;
}

export type WeChatEvent =
  WeChatSubscribeEvent | WeChatUnsubscribeEvent | WeChatClickEvent | WeChatViewEvent | WeChatScanEvent;
export type WeChatMessage =
  | WeChatTextMessage
  | WeChatImageMessage
  | WeChatVoiceMessage
  | WeChatVideoMessage
  | WeChatLocationMessage
  | WeChatLinkMessage
  | WeChatEvent
  | WeChatUnsupportedMessage;

export interface WeChatXmlOptions {
  /** Largest XML accepted, in bytes (default 256 KiB; WeChat pushes are a few KiB). */
  maxBytes?: number;
}

const DEFAULT_MAX_BYTES = 256 * 1024;
// A DTD is the door to XXE and entity-expansion attacks; WeChat never sends one.
const DTD = /<!\s*(DOCTYPE|ENTITY|ELEMENT|ATTLIST)/i;

const parser = new XMLParser({
  ignoreAttributes: true,
  ignoreDeclaration: true,
  ignorePiTags: true,
  // MsgId is a 64-bit integer: numbers stay strings so no precision is lost.
  parseTagValue: false,
  trimValues: true,
  processEntities: true,
});

type XmlFields = Record<string, unknown>;

// eslint-disable-next-line no-control-regex -- matching control characters is the point
const XML_FORBIDDEN_CHARACTER = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/;

/** Parses XML into the fields under its `<xml>` root, refusing DTDs, malformed or oversize input. */
export function parseWeChatXmlFields(xml: string, options: WeChatXmlOptions = {}): XmlFields {
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
  if (Buffer.byteLength(xml, 'utf8') > maxBytes)
    throw new WeChatProtocolError('too-large', `XML larger than ${maxBytes} bytes`);
  if (DTD.test(xml))
    throw new WeChatProtocolError('forbidden-dtd', 'XML with a DOCTYPE or entity declaration is refused');
  const trimmed = xml.trim();
  if (trimmed === '') throw new WeChatProtocolError('malformed-xml', 'empty body');
  // XML 1.0 forbids these characters outright, and PostgreSQL text cannot store U+0000.
  if (XML_FORBIDDEN_CHARACTER.test(trimmed))
    throw new WeChatProtocolError('malformed-xml', 'XML contains a control character XML does not allow');
  const validation = XMLValidator.validate(trimmed);
  if (validation !== true) throw new WeChatProtocolError('malformed-xml', validation.err.msg);
  let parsed: unknown;
  try {
    parsed = parser.parse(trimmed);
  } catch (error: unknown) {
    throw new WeChatProtocolError('malformed-xml', error instanceof Error ? error.message : 'unreadable XML');
  }
  const root = isRecord(parsed) ? parsed.xml : undefined;
  if (!isRecord(root))
    throw new WeChatProtocolError('malformed-xml', 'the root element must be <xml> with child elements');
  return root;
}

/** The outer envelope of a safe-mode push: the ciphertext and, when present, the account id. */
export function parseWeChatEncryptedEnvelope(
  xml: string,
  options?: WeChatXmlOptions,
): { toUserName: string | null; encrypt: string } {
  const fields = parseWeChatXmlFields(xml, options);
  return { toUserName: optionalText(fields, 'ToUserName'), encrypt: requiredText(fields, 'Encrypt') };
}

/** Parses a decrypted or plaintext push into a typed message. */
export function parseWeChatMessage(xml: string, options?: WeChatXmlOptions): WeChatMessage {
  const fields = parseWeChatXmlFields(xml, options);
  const createTimeText = requiredText(fields, 'CreateTime');
  if (!/^\d{1,12}$/.test(createTimeText))
    throw new WeChatProtocolError('malformed-xml', 'CreateTime is not a Unix time', 'CreateTime');
  const createTime = Number(createTimeText);
  const toUserName = requiredText(fields, 'ToUserName');
  const fromUserName = requiredText(fields, 'FromUserName');
  const msgType = requiredText(fields, 'MsgType');
  const messageBase = (msgId: string) => ({
    toUserName,
    fromUserName,
    createTime,
    msgId,
    dedupKey: `msg:${msgId}`,
  });

  switch (msgType) {
    case 'text':
      return {
        ...messageBase(requiredText(fields, 'MsgId')),
        msgType,
        content: requiredText(fields, 'Content', true),
      };
    case 'image':
      return {
        ...messageBase(requiredText(fields, 'MsgId')),
        msgType,
        picUrl: requiredText(fields, 'PicUrl'),
        mediaId: requiredText(fields, 'MediaId'),
      };
    case 'voice':
      return {
        ...messageBase(requiredText(fields, 'MsgId')),
        msgType,
        mediaId: requiredText(fields, 'MediaId'),
        format: requiredText(fields, 'Format'),
        recognition: optionalText(fields, 'Recognition'),
      };
    case 'video':
    case 'shortvideo':
      return {
        ...messageBase(requiredText(fields, 'MsgId')),
        msgType,
        mediaId: requiredText(fields, 'MediaId'),
        thumbMediaId: optionalText(fields, 'ThumbMediaId') ?? '',
      };
    case 'location':
      return {
        ...messageBase(requiredText(fields, 'MsgId')),
        msgType,
        latitude: requiredNumber(fields, 'Location_X'),
        longitude: requiredNumber(fields, 'Location_Y'),
        scale: requiredNumber(fields, 'Scale'),
        label: optionalText(fields, 'Label') ?? '',
      };
    case 'link':
      return {
        ...messageBase(requiredText(fields, 'MsgId')),
        msgType,
        title: optionalText(fields, 'Title') ?? '',
        description: optionalText(fields, 'Description') ?? '',
        url: requiredText(fields, 'Url'),
      };
    case 'event':
      return parseEvent(fields, { toUserName, fromUserName, createTime });
    default: {
      const msgId = optionalText(fields, 'MsgId');
      return {
        toUserName,
        fromUserName,
        createTime,
        msgType: 'unsupported',
        originalMsgType: msgType,
        event: null,
        msgId,
        dedupKey: msgId ? `msg:${msgId}` : `other:${fromUserName}:${createTime}:${msgType}`,
      };
    }
  }
}

function parseEvent(
  fields: XmlFields,
  base: { toUserName: string; fromUserName: string; createTime: number },
): WeChatMessage {
  const rawEvent = requiredText(fields, 'Event');
  const eventKey = optionalText(fields, 'EventKey');
  const ticket = optionalText(fields, 'Ticket');
  const withKey = (event: string) => ({
    ...base,
    dedupKey: `event:${base.fromUserName}:${base.createTime}:${event}`,
  });
  // WeChat sends subscribe/unsubscribe in lower case and menu events in upper case; accept either.
  switch (rawEvent.toLowerCase()) {
    case 'subscribe':
      return { ...withKey('subscribe'), msgType: 'event', event: 'subscribe', eventKey, ticket };
    case 'unsubscribe':
      return { ...withKey('unsubscribe'), msgType: 'event', event: 'unsubscribe' };
    case 'click':
      return {
        ...withKey('CLICK'),
        msgType: 'event',
        event: 'CLICK',
        eventKey: requiredText(fields, 'EventKey'),
      };
    case 'view':
      return {
        ...withKey('VIEW'),
        msgType: 'event',
        event: 'VIEW',
        eventKey: requiredText(fields, 'EventKey'),
      };
    case 'scan':
      return {
        ...withKey('SCAN'),
        msgType: 'event',
        event: 'SCAN',
        eventKey: requiredText(fields, 'EventKey'),
        ticket,
      };
    default:
      return {
        ...withKey(rawEvent),
        msgType: 'unsupported',
        originalMsgType: 'event',
        event: rawEvent,
        msgId: optionalText(fields, 'MsgId') ?? optionalText(fields, 'MsgID'),
      };
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function optionalText(fields: XmlFields, name: string): string | null {
  const value = fields[name];
  if (value === undefined || value === '') return null;
  // A character reference can still decode to U+0000, which PostgreSQL text cannot store.
  if (typeof value === 'string') return value.replaceAll('\u0000', '');
  throw new WeChatProtocolError('malformed-xml', `${name} must be a single text element`, name);
}

function requiredText(fields: XmlFields, name: string, allowEmpty = false): string {
  const value = fields[name];
  if (allowEmpty && value === '') return '';
  const text = optionalText(fields, name);
  if (text === null) throw new WeChatProtocolError('missing-field', `${name} is required`, name);
  return text;
}

function requiredNumber(fields: XmlFields, name: string): number {
  const text = requiredText(fields, name);
  const value = Number(text);
  if (!Number.isFinite(value))
    throw new WeChatProtocolError('malformed-xml', `${name} is not a number`, name);
  return value;
}
