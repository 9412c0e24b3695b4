/* eslint-disable @n8n/community-nodes/no-restricted-imports -- test tooling (a local HTTP server), never shipped */
import * as http from 'http';
import type { AddressInfo, Socket } from 'net';

export interface ReceivedWebhook {
	path: string;
	headers: http.IncomingHttpHeaders;
	raw: Buffer;
	body: unknown;
}

/** What the receiver answers: an HTTP status, or 'reset' to drop the connection. */
export type ReceiverAnswer = number | 'reset';

export interface WebhookReceiver {
	url: string;
	received: ReceivedWebhook[];
	/** Decide the answer per request (n = 1-based request count). Default: 204. */
	respond(fn: (req: ReceivedWebhook, n: number) => ReceiverAnswer): void;
	close(): Promise<void>;
}

/** A local endpoint that records what the simulator delivers (for tests and demos). */
export async function startWebhookReceiver(): Promise<WebhookReceiver> {
	const received: ReceivedWebhook[] = [];
	const sockets = new Set<Socket>();
	let responder: (req: ReceivedWebhook, n: number) => ReceiverAnswer = () => 204;
	const server = http.createServer((req, res) => {
		const chunks: Buffer[] = [];
		req.on('data', (c: Buffer) => chunks.push(c));
		req.on('end', () => {
			const raw = Buffer.concat(chunks);
			let body: unknown;
			try {
				body = JSON.parse(raw.toString('utf8'));
			} catch {
				body = undefined;
			}
			const r: ReceivedWebhook = { path: req.url ?? '/', headers: req.headers, raw, body };
			received.push(r);
			const answer = responder(r, received.length);
			if (answer === 'reset') {
				req.socket.destroy();
				return;
			}
			res.writeHead(answer, { Connection: 'close' });
			res.end();
		});
	});
	server.on('connection', (s: Socket) => {
		sockets.add(s);
		s.on('close', () => sockets.delete(s));
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
	const port = (server.address() as AddressInfo).port;
	return {
		url: `http://127.0.0.1:${port}/hook`,
		received,
		respond: (fn) => {
			responder = fn;
		},
		close: async () => {
			const closed = new Promise<void>((resolve) => server.close(() => resolve()));
			for (const s of sockets) s.destroy();
			await closed;
		},
	};
}
