/**
 * Splits the text of an e-mail into what the sender wrote now, the earlier messages they quoted
 * and their signature, so that classification and agents see only the new text while nothing is
 * thrown away.
 */
export interface SplitReply {
  body: string;
  quoted: string;
  signature: string;
}

const MAX_HEADER_LINE = 300;

// Lines that introduce a quoted earlier message; everything from such a line on is quoted.
const QUOTE_INTRODUCERS: readonly RegExp[] = [
  /^On\b.*\bwrote:\s*$/i,
  /(写道|寫道)\s*[:：]\s*$/,
  /^-{2,}\s*Original Message\s*-{2,}\s*$/i,
  /^-{2,}\s*(原始邮件|原始郵件|邮件原件|原邮件)\s*-{2,}\s*$/,
  /^>?\s*-{2,}\s*Reply above this line\s*-{2,}\s*$/i,
];

// Outlook writes a header block ("From: … Sent: … To: … Subject: …") instead of an attribution line.
const OUTLOOK_FROM = /^\*?\s*(From|发件人|寄件者|Von|De)\s*\*?\s*[:：]/i;
const OUTLOOK_DATE = /^\*?\s*(Sent|Date|发送时间|发送日期|时间|日期|寄件日期|Gesendet|Envoyé)\s*\*?\s*[:：]/i;
const OUTLOOK_SEPARATOR = /^_{10,}\s*$/;

const SIGNATURE_DELIMITER = /^--\s?$/;
const MOBILE_SIGNATURE: readonly RegExp[] = [
  /^(Sent from|Sent via|Get Outlook for|Envoyé de mon|Von meinem)\b.{0,60}$/i,
  /^(发自|来自|從我的|从我的)\s*.{0,30}(iPhone|iPad|Android|手机|手機|客户端|邮箱|郵箱|Mail|华为|小米|OPPO|vivo|荣耀|HUAWEI|发送)\s*.{0,15}$/i,
];
const MAX_SIGNATURE_LINES = 15;
const MAX_LINES_AFTER_MOBILE_SIGNATURE = 2;

const isBlank = (line: string): boolean => line.trim() === '';
const isQuoteLine = (line: string): boolean => /^\s*>/.test(line);

function joinTrimmed(lines: readonly string[]): string {
  return lines
    .join('\n')
    .replace(/^\s*\n/, '')
    .replace(/[ \t]+$/gm, '')
    .trim();
}

function findQuoteIntroducer(lines: readonly string[]): number {
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].trim();
    if (line === '' || line.length > MAX_HEADER_LINE) continue;
    if (QUOTE_INTRODUCERS.some((pattern) => pattern.test(line))) return i;
    // Clients wrap a long "On <date>, <name> <address> wrote:" over two lines.
    const next = lines[i + 1]?.trim() ?? '';
    if (/^On\b/i.test(line) && next !== '' && /^On\b.*\bwrote:\s*$/i.test(`${line} ${next}`)) return i;
    if (OUTLOOK_FROM.test(line)) {
      const following = lines.slice(i + 1, i + 5).map((l) => l.trim());
      if (following.some((l) => OUTLOOK_DATE.test(l))) return outlookBlockStart(lines, i);
    }
  }
  return -1;
}

function outlookBlockStart(lines: readonly string[], fromIndex: number): number {
  let j = fromIndex - 1;
  while (j >= 0 && isBlank(lines[j])) j--;
  return j >= 0 && OUTLOOK_SEPARATOR.test(lines[j].trim()) ? j : fromIndex;
}

function findSignature(lines: readonly string[]): number {
  // Non-blank lines after each index, counted once from the end so long bodies stay linear.
  const nonBlankAfter = new Array<number>(lines.length + 1).fill(0);
  for (let i = lines.length - 1; i >= 0; i--) nonBlankAfter[i] = nonBlankAfter[i + 1] + (isBlank(lines[i]) ? 0 : 1);
  for (let i = 0; i < lines.length; i++) {
    const rest = nonBlankAfter[i + 1];
    if (rest > MAX_SIGNATURE_LINES) continue;
    if (SIGNATURE_DELIMITER.test(lines[i])) return i;
    const line = lines[i].trim();
    if (MOBILE_SIGNATURE.some((p) => p.test(line)) && rest <= MAX_LINES_AFTER_MOBILE_SIGNATURE) return i;
  }
  return -1;
}

/** Normalises line endings then separates body, quoted history and signature. */
export function splitReply(text: string): SplitReply {
  const lines = text.replace(/\r\n?/g, '\n').split('\n');

  const introducer = findQuoteIntroducer(lines);
  let own = introducer >= 0 ? lines.slice(0, introducer) : lines;
  const quotedParts: string[][] = [];
  const trailingQuoted = introducer >= 0 ? lines.slice(introducer) : [];

  let signatureLines: string[] = [];
  const signatureStart = findSignature(own);
  if (signatureStart >= 0) {
    signatureLines = own.slice(signatureStart + (SIGNATURE_DELIMITER.test(own[signatureStart]) ? 1 : 0));
    own = own.slice(0, signatureStart);
  }

  // A block of "> " lines at the end (top-posting without attribution) is history.
  let end = own.length;
  while (end > 0 && isBlank(own[end - 1])) end--;
  let start = end;
  while (start > 0 && (isQuoteLine(own[start - 1]) || isBlank(own[start - 1]))) start--;
  while (start < end && isBlank(own[start])) start++;
  if (start < end && isQuoteLine(own[start])) {
    quotedParts.push(own.slice(start, end));
    own = own.slice(0, start);
  }

  // A block of "> " lines before the first own line (bottom-posting) is history too; quotes
  // between own lines are answers inline and stay in the body for context.
  let first = 0;
  while (first < own.length && isBlank(own[first])) first++;
  let afterQuote = first;
  while (afterQuote < own.length && (isQuoteLine(own[afterQuote]) || isBlank(own[afterQuote]))) afterQuote++;
  if (afterQuote > first && afterQuote < own.length && isQuoteLine(own[first])) {
    quotedParts.unshift(own.slice(first, afterQuote));
    own = own.slice(afterQuote);
  }

  if (trailingQuoted.length > 0) quotedParts.push(trailingQuoted);
  return {
    body: joinTrimmed(own),
    quoted: quotedParts
      .map(joinTrimmed)
      .filter((part) => part !== '')
      .join('\n\n'),
    signature: joinTrimmed(signatureLines),
  };
}
