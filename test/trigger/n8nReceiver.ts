/* eslint-disable @n8n/community-nodes/no-restricted-imports -- test tooling (a local HTTP server standing in for n8n's webhook server), never shipped */
import * as http from 'http';
import type { AddressInfo, Socket } from 'net';

import type { Delivery, WebhookOutcome } from './context';

/**
 * What happens to the n-th request before/after the node: 'node' = n8n answers with the node's
 * outcome; a number = a proxy in front of n8n answers that status and the node never sees it;
 * 'lost' = the node processes it but the connection drops before the answer (FormantAI retries).
 */
export type Route = 'node' | 'lost' | number;

export interface ReceivedRequest {
	raw: Buffer;
	headers: http.IncomingHttpHeaders;
	route: Route;
	outcome?: WebhookOutcome;
}

export interface N8nReceiver {
	url: string;
	requests: ReceivedRequest[];
	route(fn: (n: number) => Route): void;
	close(): Promise<void>;
}

/**
 * A local stand-in for n8n's webhook server: reads each raw request and feeds it to the trigger
 * through `handle`, then answers as n8n does (the node's own status, else 200; a thrown error 500).
 */
export async function startN8nReceiver(
	handle: (delivery: Delivery) => Promise<WebhookOutcome>,
): Promise<N8nReceiver> {
	const requests: ReceivedRequest[] = [];
	const sockets = new Set<Socket>();
	let router: (n: number) => Route = () => 'node';
	const server = http.createServer((req, res) => {
		const chunks: Buffer[] = [];
		req.on('data', (c: Buffer) => chunks.push(c));
		req.on('end', () => {
			const raw = Buffer.concat(chunks);
			const record: ReceivedRequest = {
				raw,
				headers: req.headers,
				route: router(requests.length + 1),
			};
			requests.push(record);
			if (typeof record.route === 'number') {
				res.writeHead(record.route, { Connection: 'close' });
				res.end();
				return;
			}
			handle({ raw, headers: req.headers as Delivery['headers'] })
				.then((outcome) => {
					record.outcome = outcome;
					if (record.route === 'lost') {
						req.socket.destroy();
						return;
					}
					res.writeHead(outcome.status, {
						'Content-Type': 'application/json',
						Connection: 'close',
					});
					res.end(JSON.stringify(outcome.body ?? {}));
				})
				.catch(() => {
					res.writeHead(500, { Connection: 'close' });
					res.end();
				});
		});
	});
	server.on('connection', (s: Socket) => {
		sockets.add(s);
		s.on('close', () => sockets.delete(s));
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
	const port = (server.address() as AddressInfo).port;
	return {
		url: `http://127.0.0.1:${port}/webhook/formantai`,
		requests,
		route: (fn) => {
			router = fn;
		},
		close: async () => {
			const closed = new Promise<void>((resolve) => server.close(() => resolve()));
			for (const s of sockets) s.destroy();
			await closed;
		},
	};
}
