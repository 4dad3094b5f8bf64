/**
 * A UTF-8 text e-mail in MIME: Persian subject as RFC 2047 base64 encoded-words (each ≤ 75
 * characters, never splitting a character), body base64 in 76-character lines, CRLF
 * everywhere. Header values are checked for CR/LF so nobody can inject headers.
 */
export interface MailContent {
  from: string;
  fromName: string;
  to: string;
  subject: string;
  body: string;
  messageId: string;
  dateMs: number;
}

const ADDRESS = /^[^\s<>@",;:\\]+@[^\s<>@",;:\\]+$/;

export function assertAddress(address: string): string {
  if (!ADDRESS.test(address) || address.length > 254) throw new Error('invalid e-mail address');
  return address;
}

function isAscii(text: string): boolean {
  return /^[\x20-\x7e]*$/.test(text);
}

/** RFC 2047 encoded words, split at character boundaries, folded onto continuation lines. */
export function encodeHeaderWords(text: string): string {
  if (/[\r\n]/.test(text)) throw new Error('header value contains a line break');
  if (isAscii(text) && text.length <= 900) return text;
  const words: string[] = [];
  let chunk = '';
  // "=?UTF-8?B?" + "?=" is 12 characters; 45 bytes encode to 60 base64 characters: ≤ 72.
  for (const character of text) {
    if (Buffer.byteLength(chunk + character, 'utf8') > 45) {
      words.push(chunk);
      chunk = '';
    }
    chunk += character;
  }
  if (chunk) words.push(chunk);
  return words.map((word) => `=?UTF-8?B?${Buffer.from(word, 'utf8').toString('base64')}?=`).join('\r\n ');
}

export function decodeHeaderWords(value: string): string {
  return value.replace(/\r\n /g, '').replace(/=\?UTF-8\?B\?([^?]*)\?=/gi, (_m, b64: string) => Buffer.from(b64, 'base64').toString('utf8'));
}

function base64Lines(text: string): string {
  const encoded = Buffer.from(text, 'utf8').toString('base64');
  return (encoded.match(/.{1,76}/g) ?? []).join('\r\n');
}

export function buildMail(content: MailContent): string {
  assertAddress(content.from);
  assertAddress(content.to);
  if (!/^<[^\s<>]+@[^\s<>]+>$/.test(content.messageId)) throw new Error('invalid Message-ID');
  const fromName = content.fromName ? `${encodeHeaderWords(content.fromName)} <${content.from}>` : content.from;
  const headers = [
    `From: ${fromName}`,
    `To: ${content.to}`,
    `Subject: ${encodeHeaderWords(content.subject)}`,
    `Date: ${new Date(content.dateMs).toUTCString().replace('GMT', '+0000')}`,
    `Message-ID: ${content.messageId}`,
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=UTF-8',
    'Content-Transfer-Encoding: base64',
  ];
  const body = content.body.replace(/\r?\n/g, '\r\n');
  return `${headers.join('\r\n')}\r\n\r\n${base64Lines(body)}\r\n`;
}
