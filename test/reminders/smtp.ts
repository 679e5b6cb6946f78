/**
 * A real SMTP server in the test process (smtp-server on 127.0.0.1, a free port) that keeps
 * what it accepted. `hold()` makes it keep the next message unanswered (the sender waits), so a
 * test can kill the sender in the middle of a run, deterministically; a held message is never
 * counted as received.
 */
import { SMTPServer } from 'smtp-server';

export interface Received {
  to: string[];
  subject: string;
  raw: string;
}

/** The decoded value of one header (RFC 2047 encoded words, folded lines). */
export function headerOf(raw: string, name: string): string {
  const head = raw.split(/\r?\n\r?\n/)[0]!.replace(/\r?\n[ \t]+/g, ' ');
  const line = head.split(/\r?\n/).find((l) => l.toLowerCase().startsWith(`${name.toLowerCase()}:`));
  if (!line) return '';
  const value = line.slice(name.length + 1).trim().replace(/\?=\s+=\?/g, '?==?');
  return value.replace(/=\?utf-8\?([bq])\?([^?]*)\?=/gi, (_, enc: string, text: string) =>
    enc.toLowerCase() === 'b'
      ? Buffer.from(text, 'base64').toString('utf8')
      : Buffer.from(text.replace(/_/g, ' ').replace(/=([0-9a-f]{2})/gi, (__, h: string) => String.fromCharCode(parseInt(h, 16))), 'latin1').toString('utf8'),
  );
}

/** A message's text as a reader sees it: quoted-printable and base64 parts decoded (enough for the app's emails). */
export function bodyText(raw: string): string {
  const parts = raw.split(/\r?\n--[^\r\n]+\r?\n/);
  return parts
    .map((part) => {
      const [head, ...rest] = part.split(/\r?\n\r?\n/);
      const body = rest.join('\n\n');
      if (/content-transfer-encoding:\s*base64/i.test(head ?? '')) return Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8');
      if (/content-transfer-encoding:\s*quoted-printable/i.test(head ?? '')) {
        const bytes = body.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/gi, (_, h: string) => String.fromCharCode(parseInt(h, 16)));
        return Buffer.from(bytes, 'latin1').toString('utf8');
      }
      return body;
    })
    .join('\n');
}

export interface TestSmtp {
  port: number;
  url: string;
  received: Received[];
  /** Keep the next message unanswered; resolves when it arrives (its sender is then waiting). */
  hold(): Promise<void>;
  close(): Promise<void>;
}

export async function startSmtp(): Promise<TestSmtp> {
  const received: Received[] = [];
  let holdNext: (() => void) | null = null;
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        if (holdNext) {
          const arrived = holdNext;
          holdNext = null;
          arrived(); // never answered: the sender waits until it is killed
          return;
        }
        const raw = Buffer.concat(chunks).toString('utf8');
        received.push({ to: session.envelope.rcptTo.map((r) => r.address), subject: headerOf(raw, 'Subject'), raw });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.server.address() as { port: number }).port;
  return {
    port,
    url: `smtp://127.0.0.1:${port}`,
    received,
    hold: () => new Promise<void>((resolve) => (holdNext = resolve)),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
