/**
 * A real SMTP server in the test process (smtp-server on 127.0.0.1, a free port, no TLS, no
 * authentication), keeping each message it accepted: its envelope and raw text, with the
 * headers and decoded text parts read simply (enough for these tests: no mail parser).
 */
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

export interface Received {
  to: string[];
  raw: string;
  headers: Record<string, string>;
  /** Each text part's content, quoted-printable and base64 decoded. */
  parts: { type: string; content: string }[];
}

/** Header lines unfolded, lower-case names (the top-level headers only). */
function headersOf(block: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of block.replace(/\r?\n[ \t]+/g, ' ').split(/\r?\n/)) {
    const i = line.indexOf(':');
    if (i > 0) out[line.slice(0, i).trim().toLowerCase()] = line.slice(i + 1).trim();
  }
  return out;
}

/** RFC 2047 encoded words (=?UTF-8?B?…?= / ?Q?) in a header value. */
export function decodeWords(value: string): string {
  return value.replace(/\s*=\?utf-8\?([bq])\?([^?]*)\?=\s*/gi, (_w, enc: string, text: string) =>
    enc.toLowerCase() === 'b' ? Buffer.from(text, 'base64').toString('utf8') : decodeQp(text.replace(/_/g, ' ')),
  );
}

function decodeQp(text: string): string {
  const soft = text.replace(/=\r?\n/g, '');
  const bytes: number[] = [];
  for (let i = 0; i < soft.length; i += 1) {
    if (soft[i] === '=' && /^[0-9A-F]{2}$/i.test(soft.slice(i + 1, i + 3))) {
      bytes.push(parseInt(soft.slice(i + 1, i + 3), 16));
      i += 2;
    } else bytes.push(...Buffer.from(soft[i]!, 'utf8'));
  }
  return Buffer.from(bytes).toString('utf8');
}

function partsOf(raw: string, boundary: string): Received['parts'] {
  const out: Received['parts'] = [];
  for (const chunk of raw.split(`--${boundary}`)) {
    const split = chunk.search(/\r?\n\r?\n/);
    if (split < 0) continue;
    const h = headersOf(chunk.slice(0, split));
    const type = (h['content-type'] ?? '').split(';')[0]!.trim();
    if (!type.startsWith('text/')) continue;
    const body = chunk.slice(split).trim();
    const enc = (h['content-transfer-encoding'] ?? '').toLowerCase();
    out.push({ type, content: enc === 'base64' ? Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8') : enc === 'quoted-printable' ? decodeQp(body) : body });
  }
  return out;
}

export interface TestSmtp {
  url: string;
  messages: Received[];
  /** Refuse the next `n` messages with this SMTP code (450 temporary, 550 permanent). */
  refuseNext(n: number, code: number): void;
  close(): Promise<void>;
}

export async function startSmtp(): Promise<TestSmtp> {
  const messages: Received[] = [];
  let refuse = { n: 0, code: 450 };
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        if (refuse.n > 0) {
          refuse.n -= 1;
          const err = Object.assign(new Error('refused by the test server'), { responseCode: refuse.code });
          callback(err);
          return;
        }
        const raw = Buffer.concat(chunks).toString('utf8');
        const split = raw.search(/\r?\n\r?\n/);
        const headers = headersOf(raw.slice(0, split));
        const boundary = /boundary="?([^";]+)"?/.exec(headers['content-type'] ?? '')?.[1];
        const parts = boundary ? partsOf(raw, boundary) : partsOf(`--x\r\n${raw}`, 'x');
        messages.push({ to: session.envelope.rcptTo.map((r) => r.address), raw, headers, parts });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.server.address() as AddressInfo;
  return {
    url: `smtp://127.0.0.1:${port}`,
    messages,
    refuseNext(n, code) {
      refuse = { n, code };
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** A message's text part. */
export function textOf(m: Received): string {
  return m.parts.find((p) => p.type === 'text/plain')?.content ?? '';
}

export function htmlOf(m: Received): string {
  return m.parts.find((p) => p.type === 'text/html')?.content ?? '';
}
