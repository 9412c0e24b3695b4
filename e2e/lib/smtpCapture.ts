/* eslint-disable @n8n/community-nodes/no-restricted-imports -- e2e tooling (a local SMTP server standing in for a mail provider), never shipped */
import { createServer, type AddressInfo, type Server, type Socket } from 'net';

/**
 * A minimal SMTP server on 127.0.0.1 that accepts every message and keeps it: what n8n's Send
 * Email node sends lands here instead of in someone's inbox. Plain SMTP only (no STARTTLS, no
 * AUTH advertised), so the SMTP credential must have SSL/TLS off and no user.
 */

export interface CapturedMail {
	from: string;
	to: string[];
	/** The raw message as sent (headers and body, transfer encodings not undone). */
	raw: string;
	subject: string;
	/** Every text/plain and text/html part, decoded. */
	text: string;
	/** Every http(s) link in the decoded parts, HTML entities undone, in order, no repeats. */
	links: string[];
}

export interface SmtpCapture {
	host: string;
	port: number;
	mails: CapturedMail[];
	close(): Promise<void>;
}

function decodeQuotedPrintable(body: string): string {
	const bytes = body
		.replace(/=\r?\n/g, '')
		.replace(/=([0-9A-F]{2})/gi, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
	return Buffer.from(bytes, 'latin1').toString('utf8');
}

function splitPart(part: string): { headers: Record<string, string>; body: string } {
	const at = part.search(/\r?\n\r?\n/);
	const head = at === -1 ? part : part.slice(0, at);
	const body = at === -1 ? '' : part.slice(at).replace(/^\r?\n\r?\n/, '');
	const headers: Record<string, string> = {};
	for (const line of head.replace(/\r?\n[ \t]+/g, ' ').split(/\r?\n/)) {
		const colon = line.indexOf(':');
		if (colon > 0)
			headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
	}
	return { headers, body };
}

/** The decoded text of every text/* leaf of a MIME message. */
function textParts(part: string): string[] {
	const { headers, body } = splitPart(part);
	const type = headers['content-type'] ?? 'text/plain';
	const boundary = /boundary="?([^";]+)"?/i.exec(type)?.[1];
	if (/^multipart\//i.test(type) && boundary) {
		return body
			.split(`--${boundary}`)
			.slice(1)
			.filter((chunk) => !chunk.startsWith('--'))
			.flatMap((chunk) => textParts(chunk.replace(/^\r?\n/, '')));
	}
	if (!/^text\//i.test(type)) return [];
	const encoding = (headers['content-transfer-encoding'] ?? '').toLowerCase();
	if (encoding === 'base64') return [Buffer.from(body, 'base64').toString('utf8')];
	if (encoding === 'quoted-printable') return [decodeQuotedPrintable(body)];
	return [body];
}

function parse(from: string, to: string[], raw: string): CapturedMail {
	const text = textParts(raw).join('\n');
	const links = [
		...new Set(
			[...text.matchAll(/https?:\/\/[^\s"'<>]+/g)].map((match) => match[0].replace(/&amp;/g, '&')),
		),
	];
	return { from, to, raw, subject: splitPart(raw).headers.subject ?? '', text, links };
}

export async function startSmtpCapture(): Promise<SmtpCapture> {
	const mails: CapturedMail[] = [];
	const sockets = new Set<Socket>();

	const server: Server = createServer((socket) => {
		sockets.add(socket);
		socket.on('close', () => sockets.delete(socket));
		socket.on('error', () => socket.destroy());
		let buffer = '';
		let inData = false;
		let data: string[] = [];
		let from = '';
		let to: string[] = [];
		const reply = (line: string) => socket.write(`${line}\r\n`);

		const command = (line: string) => {
			const verb = line.slice(0, 4).toUpperCase();
			if (verb === 'EHLO') {
				reply('250-localhost');
				reply('250 8BITMIME');
			} else if (verb === 'HELO') reply('250 localhost');
			else if (verb === 'MAIL') {
				from = /<([^>]*)>/.exec(line)?.[1] ?? '';
				to = [];
				reply('250 OK');
			} else if (verb === 'RCPT') {
				to.push(/<([^>]*)>/.exec(line)?.[1] ?? '');
				reply('250 OK');
			} else if (verb === 'DATA') {
				inData = true;
				data = [];
				reply('354 End data with <CR><LF>.<CR><LF>');
			} else if (verb === 'QUIT') {
				reply('221 Bye');
				socket.end();
			} else if (verb === 'RSET' || verb === 'NOOP') reply('250 OK');
			else reply('502 Command not implemented');
		};

		socket.on('data', (chunk: Buffer) => {
			buffer += chunk.toString('latin1');
			let end: number;
			while ((end = buffer.indexOf('\r\n')) !== -1) {
				const line = buffer.slice(0, end);
				buffer = buffer.slice(end + 2);
				if (!inData) {
					command(line);
				} else if (line === '.') {
					inData = false;
					const raw = Buffer.from(data.join('\r\n'), 'latin1').toString('utf8');
					mails.push(parse(from, to, raw));
					reply('250 OK: queued');
				} else {
					// Dot-stuffing: a leading dot was doubled by the client.
					data.push(line.startsWith('..') ? line.slice(1) : line);
				}
			}
		});
		reply('220 localhost ESMTP capture');
	});

	await new Promise<void>((resolve, reject) => {
		server.once('error', reject);
		server.listen(0, '127.0.0.1', () => resolve());
	});
	const { port } = server.address() as AddressInfo;
	return {
		host: '127.0.0.1',
		port,
		mails,
		close: async () => {
			for (const socket of sockets) socket.destroy();
			await new Promise<void>((resolve) => server.close(() => resolve()));
		},
	};
}
