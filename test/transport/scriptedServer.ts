/* eslint-disable @n8n/community-nodes/no-restricted-imports -- test tooling (a local HTTP server), never shipped */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export interface Recorded {
	method: string;
	path: string;
	query: Record<string, string>;
	headers: IncomingMessage['headers'];
	body: Buffer;
}

export interface Reply {
	status?: number;
	headers?: Record<string, string>;
	/** Objects are sent as JSON; strings and buffers as they are. */
	body?: unknown;
	/** Destroy the socket instead of answering. */
	reset?: boolean;
	/** Never answer. */
	hang?: boolean;
}

/** A promise holds the answer back until the test lets it go. */
export type Handler = (request: Recorded, count: number) => Reply | Promise<Reply>;

/**
 * A server whose every answer the test writes, for transport behaviour that a well-behaved API
 * never shows on demand (lying pagination, odd bodies, exact retry sequences).
 */
export interface ScriptedServer {
	url: string;
	requests: Recorded[];
	/** Answers for `METHOD /path`; `count` is how many times that route was hit before. */
	on(route: string, handler: Handler): void;
	close(): Promise<void>;
}

export async function startScriptedServer(): Promise<ScriptedServer> {
	const routes = new Map<string, Handler>();
	const hits = new Map<string, number>();
	const requests: Recorded[] = [];
	const sockets = new Set<Socket>();

	const server = createServer((req: IncomingMessage, res: ServerResponse) => {
		const chunks: Buffer[] = [];
		req.on('data', (chunk: Buffer) => chunks.push(chunk));
		req.on('end', () => {
			const url = new URL(req.url ?? '/', 'http://127.0.0.1');
			const recorded: Recorded = {
				method: req.method ?? 'GET',
				path: url.pathname,
				query: Object.fromEntries(url.searchParams),
				headers: req.headers,
				body: Buffer.concat(chunks),
			};
			requests.push(recorded);
			const route = `${recorded.method} ${recorded.path}`;
			const handler = routes.get(route);
			const count = hits.get(route) ?? 0;
			hits.set(route, count + 1);
			void Promise.resolve(
				handler
					? handler(recorded, count)
					: { status: 404, body: { error: { message: 'no such route', type: 'not_found' } } },
			).then((reply) => answer(req, res, reply));
		});
	});
	const answer = (req: IncomingMessage, res: ServerResponse, reply: Reply) => {
		if (reply.reset) {
			req.socket.destroy();
			return;
		}
		if (reply.hang) return;
		const isJson =
			reply.body !== undefined && typeof reply.body !== 'string' && !Buffer.isBuffer(reply.body);
		res.writeHead(reply.status ?? 200, {
			...(isJson ? { 'Content-Type': 'application/json' } : {}),
			...reply.headers,
		});
		res.end(isJson ? JSON.stringify(reply.body) : (reply.body as string | Buffer | undefined));
	};
	server.on('connection', (socket: Socket) => {
		sockets.add(socket);
		socket.on('close', () => sockets.delete(socket));
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
	const { port } = server.address() as AddressInfo;
	return {
		url: `http://127.0.0.1:${port}`,
		requests,
		on: (route, handler) => {
			routes.set(route, handler);
			hits.set(route, 0);
		},
		close: async () => {
			for (const socket of sockets) socket.destroy();
			await new Promise<void>((resolve) => server.close(() => resolve()));
		},
	};
}
