/* eslint-disable @n8n/community-nodes/no-restricted-imports -- test tooling (a local HTTP server), never shipped */
import * as http from 'http';
import type { Socket } from 'net';

import { createBatch, getBatch, getBatchMetrics, listBatches } from './batchCalls';
import { createCall } from './calls';
import { getConversation, getRecording, listConversations } from './conversations';
import type { FaultSpec, Faults } from './faults';
import { multipartBoundary, parseMultipart, type MultipartBody } from './multipart';
import { ApiError, invalid, type Reply, type RequestLogEntry, type SimContext } from './state';
import { getJob, submitJob } from './transcription';

export type AdminHandler = (
	method: string,
	path: string,
	query: Record<string, string>,
	body: unknown,
) => Promise<Reply>;

interface Parsed {
	json?: unknown;
	jsonError?: boolean;
	form?: MultipartBody;
	formError?: string;
	logBody: unknown;
}

function readBody(req: http.IncomingMessage, maxBytes: number): Promise<Buffer> {
	return new Promise((resolve, reject) => {
		const chunks: Buffer[] = [];
		let size = 0;
		req.on('data', (c: Buffer) => {
			size += c.length;
			if (size > maxBytes) {
				reject(new Error('body too large'));
				req.destroy();
				return;
			}
			chunks.push(c);
		});
		req.on('end', () => resolve(Buffer.concat(chunks)));
		req.on('error', reject);
	});
}

function parseBody(req: http.IncomingMessage, raw: Buffer): Parsed {
	if (raw.length === 0) return { logBody: undefined };
	const ct = req.headers['content-type'];
	const boundary = multipartBoundary(ct);
	if (boundary) {
		try {
			const form = parseMultipart(raw, boundary);
			return {
				form,
				logBody: {
					fields: form.fields,
					files: form.files.map((f) => ({
						field: f.field,
						filename: f.filename,
						contentType: f.contentType,
						size: f.data.length,
					})),
				},
			};
		} catch (e) {
			return { formError: (e as Error).message, logBody: { unparsedMultipartBytes: raw.length } };
		}
	}
	const text = raw.toString('utf8');
	try {
		return { json: JSON.parse(text), logBody: JSON.parse(text) };
	} catch {
		return { jsonError: true, logBody: text.length > 2000 ? `${text.slice(0, 2000)}…` : text };
	}
}

function redactHeaders(h: http.IncomingHttpHeaders): Record<string, string> {
	const out: Record<string, string> = {};
	for (const [k, v] of Object.entries(h)) {
		if (v === undefined) continue;
		out[k] = Array.isArray(v) ? v.join(', ') : v;
	}
	if (out.authorization !== undefined) {
		out.authorization = /^bearer\s/i.test(out.authorization) ? 'Bearer [redacted]' : '[redacted]';
	}
	return out;
}

function isoOffset(ms: number): string {
	return new Date(ms).toISOString().replace(/\.\d{3}Z$/, '+00:00');
}

function errorReply(e: ApiError): Reply {
	return {
		status: e.status,
		body: { error: { message: e.message, type: e.type, ...e.extra } },
		headers: e.headers,
	};
}

function requireForm(p: Parsed): MultipartBody {
	if (p.formError) throw invalid(`malformed multipart body: ${p.formError}`);
	if (!p.form) throw invalid('request must be multipart/form-data');
	return p.form;
}

function requireJson(p: Parsed): unknown {
	if (p.jsonError) throw invalid('request body must be valid JSON');
	if (p.form) throw invalid('request body must be application/json');
	return p.json;
}

/** The 10 documented endpoints. */
function route(
	ctx: SimContext,
	method: string,
	path: string,
	query: Record<string, string>,
	p: Parsed,
): Reply {
	const seg = path
		.split('/')
		.filter((s) => s !== '')
		.map((s) => decodeURIComponent(s));
	const is = (m: string, ...parts: Array<string | null>): boolean =>
		method === m &&
		seg.length === parts.length &&
		parts.every((x, i) => x === null || x === seg[i]);

	if (is('POST', 'v1', 'call')) return createCall(ctx, requireJson(p));
	if (is('GET', 'v1', 'conversations')) return listConversations(ctx, query);
	if (is('GET', 'v1', 'conversations', null)) return getConversation(ctx, seg[2]);
	if (is('GET', 'v1', 'conversations', null, 'recording')) return getRecording(ctx, seg[2]);
	if (is('POST', 'v1', 'batch-call')) return createBatch(ctx, requireForm(p));
	if (is('GET', 'v1', 'batch-calls')) return listBatches(ctx, query);
	if (is('GET', 'v1', 'batch-calls', null)) return getBatch(ctx, seg[2]);
	if (is('GET', 'v1', 'batch-calls', null, 'metrics')) return getBatchMetrics(ctx, seg[2]);
	if (is('POST', 'v1', 'transcription', 'jobs')) return submitJob(ctx, requireForm(p));
	if (is('GET', 'v1', 'transcription', 'jobs', null)) return getJob(ctx, seg[3]);
	throw new ApiError(404, 'not_found', 'not found');
}

function faultReply(ctx: SimContext, f: FaultSpec): Reply {
	const retryAfter = String(f.retryAfter ?? 1);
	switch (f.kind) {
		case 'error500':
			return {
				status: 500,
				body: { error: { message: 'internal server error', type: 'internal_error' } },
			};
		case 'truncatedJson':
			return { status: 500, raw: '{"error":{"message":"internal server err' };
		case 'html502':
			return {
				status: 502,
				headers: { 'Content-Type': 'text/html; charset=utf-8' },
				raw: '<html><head><title>502 Bad Gateway</title></head><body><h1>502 Bad Gateway</h1></body></html>',
			};
		case 'rateLimit429':
			return {
				status: 429,
				headers: { 'Retry-After': retryAfter },
				body: { error: { message: 'rate limit exceeded', type: 'rate_limit_exceeded' } },
			};
		case 'concurrent429': {
			const max = ctx.opts.maxConcurrentCalls;
			return {
				status: 429,
				headers: { 'Retry-After': retryAfter },
				body: {
					error: {
						message: `concurrent call limit reached. ${max} simultaneous calls allowed.`,
						type: 'concurrent_call_limit_exceeded',
						current_calls: max,
						max_calls: max,
					},
				},
			};
		}
		default:
			throw new Error(`fault ${f.kind} has no reply`);
	}
}

export interface ServerHandle {
	server: http.Server;
	closeAll(): void;
}

export function createServer(ctx: SimContext, faults: Faults, admin: AdminHandler): ServerHandle {
	const sockets = new Set<Socket>();

	const send = (res: http.ServerResponse, reply: Reply, extra: Record<string, string>): void => {
		const headers: Record<string, string> = { ...extra, ...(reply.headers ?? {}) };
		if (reply.stream) {
			res.writeHead(reply.status, headers);
			const s = reply.stream;
			s.on('error', () => res.destroy());
			res.on('close', () => (s as NodeJS.ReadableStream & { destroy?: () => void }).destroy?.());
			s.pipe(res);
			return;
		}
		let payload: string;
		if (reply.raw !== undefined) {
			payload = reply.raw;
			if (!Object.keys(headers).some((k) => k.toLowerCase() === 'content-type')) {
				headers['Content-Type'] = 'application/json';
			}
		} else {
			payload = reply.body === undefined ? '' : JSON.stringify(reply.body);
			headers['Content-Type'] = 'application/json';
		}
		headers['Content-Length'] = String(Buffer.byteLength(payload));
		res.writeHead(reply.status, headers);
		res.end(payload);
	};

	const rateHeaders = (): Record<string, string> => {
		const { limit, windowMs } = ctx.opts.apiRateLimit;
		const w = ctx.state.apiWindow;
		return {
			'X-RateLimit-Limit': String(limit),
			'X-RateLimit-Remaining': String(Math.max(0, limit - w.count)),
			'X-RateLimit-Reset': isoOffset(w.start + windowMs),
		};
	};

	/** Fixed window per server (the simulator has one key/tenant). */
	const countRequest = (): boolean => {
		const { limit, windowMs } = ctx.opts.apiRateLimit;
		const now = ctx.clock.now();
		const start = Math.floor(now / windowMs) * windowMs;
		if (ctx.state.apiWindow.start !== start) ctx.state.apiWindow = { start, count: 0 };
		if (ctx.state.apiWindow.count >= limit) return false;
		ctx.state.apiWindow.count++;
		return true;
	};

	const handleApi = async (
		req: http.IncomingMessage,
		res: http.ServerResponse,
		url: URL,
	): Promise<void> => {
		const method = (req.method ?? 'GET').toUpperCase();
		const path = url.pathname;
		const query = Object.fromEntries(url.searchParams.entries());
		const raw = await readBody(req, ctx.opts.maxBodyBytes);
		const parsed = parseBody(req, raw);
		const entry: RequestLogEntry = {
			method,
			path,
			query,
			headers: redactHeaders(req.headers),
			body: parsed.logBody,
			status: 0,
			at: ctx.clock.now(),
		};
		ctx.state.log.push(entry);

		const fault = faults.take(method, path);
		if (fault) entry.fault = fault.kind;
		const applyFault = (f: FaultSpec): void => {
			if (f.kind === 'reset') {
				req.socket.destroy();
				return;
			}
			if (f.kind === 'hang') return; // never answered; close() destroys the socket
			const reply = faultReply(ctx, f);
			entry.status = reply.status;
			send(res, reply, f.kind === 'html502' ? {} : rateHeaders());
		};
		if (fault && !fault.after) {
			applyFault(fault);
			return;
		}

		let reply: Reply;
		try {
			const auth = req.headers.authorization ?? '';
			const m = /^Bearer\s+(.+)$/i.exec(auth.trim());
			if (!m || m[1] !== ctx.opts.apiKey) {
				throw new ApiError(401, 'authentication_error', 'invalid or missing api key');
			}
			if (!countRequest()) {
				const resetIn = Math.ceil(
					(ctx.state.apiWindow.start + ctx.opts.apiRateLimit.windowMs - ctx.clock.now()) / 1000,
				);
				throw new ApiError(
					429,
					'rate_limit_exceeded',
					'rate limit exceeded',
					{},
					{ 'Retry-After': String(resetIn) },
				);
			}
			reply = route(ctx, method, path, query, parsed);
		} catch (e) {
			if (!(e instanceof ApiError)) {
				reply = {
					status: 500,
					body: { error: { message: 'internal server error', type: 'internal_error' } },
				};
				// Surface simulator bugs in the log rather than hiding them behind a 500.
				entry.body = { request: entry.body, simulatorError: String((e as Error).stack ?? e) };
			} else {
				reply = errorReply(e);
			}
		}
		if (fault?.after) {
			(reply.stream as (NodeJS.ReadableStream & { destroy?: () => void }) | undefined)?.destroy?.();
			applyFault(fault);
			return;
		}
		entry.status = reply.status;
		send(res, reply, rateHeaders());
	};

	const handleAdmin = async (
		req: http.IncomingMessage,
		res: http.ServerResponse,
		url: URL,
	): Promise<void> => {
		const raw = await readBody(req, ctx.opts.maxBodyBytes);
		let body: unknown;
		try {
			body = raw.length ? JSON.parse(raw.toString('utf8')) : {};
		} catch {
			send(
				res,
				{
					status: 400,
					body: { error: { message: 'admin body must be JSON', type: 'invalid_request' } },
				},
				{},
			);
			return;
		}
		let reply: Reply;
		try {
			reply = await admin(
				(req.method ?? 'GET').toUpperCase(),
				url.pathname,
				Object.fromEntries(url.searchParams.entries()),
				body,
			);
		} catch (e) {
			reply =
				e instanceof ApiError
					? errorReply(e)
					: {
							status: 400,
							body: { error: { message: (e as Error).message, type: 'invalid_request' } },
						};
		}
		send(res, reply, {});
	};

	const server = http.createServer((req, res) => {
		const url = new URL(req.url ?? '/', 'http://127.0.0.1');
		const work = url.pathname.startsWith('/__admin')
			? handleAdmin(req, res, url)
			: handleApi(req, res, url);
		work.catch((e: Error) => {
			if (!res.headersSent) {
				res.writeHead(500, { 'Content-Type': 'application/json' });
				res.end(JSON.stringify({ error: { message: e.message, type: 'internal_error' } }));
			}
		});
	});
	server.keepAliveTimeout = 1_000;
	server.on('connection', (s: Socket) => {
		sockets.add(s);
		s.on('close', () => sockets.delete(s));
	});
	return {
		server,
		closeAll: () => {
			for (const s of sockets) s.destroy();
			sockets.clear();
		},
	};
}
