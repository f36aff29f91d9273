import { AddressInfo, createServer, Server, Socket } from 'net';
import { Recorder } from './recorder';

/** One message accepted by the sink: the envelope and the message as sent after DATA. */
export interface ReceivedMail {
  readonly from: string;
  readonly to: readonly string[];
  /** Headers and body, CRLF line ends, dot-stuffing undone. */
  readonly message: string;
}

/**
 * Just enough of an SMTP server on 127.0.0.1 for Alertmanager's email
 * notifier without TLS or authentication: it accepts every message and
 * records it. Anything else is answered 502, which fails the delivery loudly.
 */
export class SmtpSink {
  readonly mails = new Recorder<ReceivedMail>((m) => `mail to ${m.to.join(',')}`);

  private readonly sockets = new Set<Socket>();

  private constructor(private readonly server: Server) {}

  static async start(): Promise<SmtpSink> {
    let sink: SmtpSink | undefined;
    const server = createServer((socket) => sink?.session(socket));
    sink = new SmtpSink(server);
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    return sink;
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  async stop(): Promise<void> {
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    for (const socket of this.sockets) socket.destroy();
    await closed;
  }

  private session(socket: Socket): void {
    const reply = (line: string) => socket.write(`${line}\r\n`);
    let buffer = '';
    let inData = false;
    let from = '';
    let to: string[] = [];
    this.sockets.add(socket);
    socket.on('close', () => this.sockets.delete(socket));
    socket.on('error', () => socket.destroy());
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      buffer += chunk;
      for (;;) {
        if (inData) {
          const end = buffer.indexOf('\r\n.\r\n');
          if (end < 0) return;
          this.mails.add({ from, to, message: buffer.slice(0, end).replace(/^\.\./gm, '.') });
          buffer = buffer.slice(end + '\r\n.\r\n'.length);
          inData = false;
          reply('250 2.0.0 accepted');
          continue;
        }
        const eol = buffer.indexOf('\r\n');
        if (eol < 0) return;
        const line = buffer.slice(0, eol);
        buffer = buffer.slice(eol + 2);
        const verb = line.split(/[ :]/, 1)[0].toUpperCase();
        switch (verb) {
          case 'EHLO':
            reply('250 pipewatch-test-sink');
            break;
          case 'HELO':
          case 'RSET':
          case 'NOOP':
            reply('250 OK');
            break;
          case 'MAIL':
            [from, to] = [envelopeAddress(line), []];
            reply('250 OK');
            break;
          case 'RCPT':
            to.push(envelopeAddress(line));
            reply('250 OK');
            break;
          case 'DATA':
            inData = true;
            reply('354 end with <CRLF>.<CRLF>');
            break;
          case 'QUIT':
            reply('221 bye');
            socket.end();
            return;
          default:
            reply(`502 ${verb} not implemented`);
        }
      }
    });
    reply('220 pipewatch-test-sink ESMTP');
  }
}

const envelopeAddress = (line: string) => /<([^>]*)>/.exec(line)?.[1] ?? '';

/** The HTML part of a MIME message, transfer encoding undone; an error says what the message lacks. */
export function htmlPart(message: string): string {
  const boundary = /boundary="?([^";\r\n]+)"?/.exec(message)?.[1];
  if (!boundary) throw new Error(`not a multipart message:\n${message.slice(0, 500)}`);
  for (const part of message.split(`--${boundary}`).slice(1)) {
    const split = part.indexOf('\r\n\r\n');
    const headers = part.slice(0, split);
    if (!/^Content-Type: text\/html/im.test(headers)) continue;
    const body = part.slice(split + 4);
    const encoding = /^Content-Transfer-Encoding: (\S+)/im.exec(headers)?.[1].toLowerCase();
    if (encoding === 'quoted-printable') return decodeQuotedPrintable(body);
    if (encoding === 'base64') return Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8');
    return body;
  }
  throw new Error(`no text/html part in the message:\n${message.slice(0, 500)}`);
}

function decodeQuotedPrintable(text: string): string {
  const bytes = text.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
  return Buffer.from(bytes, 'latin1').toString('utf8');
}

/** Text with the HTML entities Go's html/template writes turned back into characters. */
export function unescapeHtml(html: string): string {
  const named: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
  return html.replace(/&(#\d+|[a-z]+);/g, (entity, code: string) => (code.startsWith('#') ? String.fromCharCode(Number(code.slice(1))) : (named[code] ?? entity)));
}
