export type WeChatXmlValue = string | number | { readonly [name: string]: WeChatXmlValue };

function cdata(text: string): string {
  // "]]>" cannot appear inside CDATA: close and reopen around it.
  return `<![CDATA[${text.replace(/]]>/g, ']]]]><![CDATA[>')}]]>`;
}

function element(name: string, value: WeChatXmlValue): string {
  if (!/^[A-Za-z_][A-Za-z0-9_.-]*$/.test(name)) throw new RangeError(`invalid XML element name: ${name}`);
  if (typeof value === 'number') return `<${name}>${value}</${name}>`;
  if (typeof value === 'string') return `<${name}>${cdata(value)}</${name}>`;
  return `<${name}>${Object.entries(value)
    .map(([k, v]) => element(k, v))
    .join('')}</${name}>`;
}

/**
 * WeChat-style XML: `<xml>` root, strings in CDATA, numbers bare, nested objects as elements, in
 * insertion order. Used for passive replies, encrypted envelopes and test pushes.
 */
export function buildWeChatXml(fields: { readonly [name: string]: WeChatXmlValue }): string {
  return element('xml', fields);
}

/** A passive text reply to a user (`ToUserName` is the user's OpenID, `FromUserName` the account). */
export function buildWeChatTextReply(reply: {
  toUserName: string;
  fromUserName: string;
  createTime: number;
  content: string;
}): string {
  return buildWeChatXml({
    ToUserName: reply.toUserName,
    FromUserName: reply.fromUserName,
    CreateTime: reply.createTime,
    MsgType: 'text',
    Content: reply.content,
  });
}
