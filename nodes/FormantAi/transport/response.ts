import type { IDataObject } from 'n8n-workflow';

import type { FailureInfo } from './errors';
import { describeFailure } from './errors';
import { retryAfterMs } from './retry';

export type Headers = Record<string, string | string[] | undefined>;

export function header(headers: Headers | undefined, name: string): string | undefined {
	const value = headers?.[name] ?? headers?.[name.toLowerCase()];
	return Array.isArray(value) ? value[0] : value;
}

/** Removes the API key from any text that came from outside, in case something echoes it. */
export function redact(text: string, apiKey: string): string {
	return apiKey.length >= 4 ? text.split(apiKey).join('[redacted]') : text;
}

interface Readable {
	on(event: string, listener: (...args: unknown[]) => void): unknown;
	destroy?(): void;
}

export function isReadable(value: unknown): value is Readable {
	return (
		typeof value === 'object' && value !== null && typeof (value as Readable).on === 'function'
	);
}

/** Reads at most `limit` bytes of an error body that arrived as a stream. */
export async function readSome(stream: Readable, limit = 64 * 1024): Promise<string> {
	return await new Promise((resolve) => {
		const chunks: Uint8Array[] = [];
		let size = 0;
		const finish = () => resolve(new TextDecoder().decode(concat(chunks)));
		stream.on('data', (chunk: unknown) => {
			const bytes =
				typeof chunk === 'string' ? new TextEncoder().encode(chunk) : (chunk as Uint8Array);
			if (size < limit) chunks.push(bytes.subarray(0, limit - size));
			size += bytes.length;
			if (size >= limit) {
				stream.destroy?.();
				finish();
			}
		});
		stream.on('end', finish);
		stream.on('error', finish);
		stream.on('close', finish);
	});
}

function concat(chunks: Uint8Array[]): Uint8Array {
	const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
	let offset = 0;
	for (const chunk of chunks) {
		out.set(chunk, offset);
		offset += chunk.length;
	}
	return out;
}

function bodyText(body: unknown): string | undefined {
	if (body === undefined || body === null) return undefined;
	if (typeof body === 'string') return body;
	if (body instanceof Uint8Array) return new TextDecoder().decode(body);
	if (body instanceof ArrayBuffer) return new TextDecoder().decode(new Uint8Array(body));
	return undefined;
}

function parseJson(text: string): unknown {
	try {
		return JSON.parse(text);
	} catch {
		return undefined;
	}
}

function snippet(text: string, apiKey: string): string {
	const flat = redact(text, apiKey).replace(/\s+/g, ' ').trim();
	return flat.length > 160 ? `${flat.slice(0, 160)}…` : flat;
}

/** Turns an HTTP error response (any body: FormantAI's envelope, HTML, cut JSON, nothing) into facts. */
export function failureFromResponse(
	status: number,
	headers: Headers,
	body: unknown,
	apiKey: string,
	now: number,
): FailureInfo {
	const text = bodyText(body);
	const data = text !== undefined ? parseJson(text) : body;
	const envelope = (data as IDataObject | undefined)?.error as IDataObject | undefined;
	const wait = retryAfterMs(
		status,
		header(headers, 'retry-after'),
		header(headers, 'x-ratelimit-reset'),
		now,
	);
	if (envelope && typeof envelope.message === 'string') {
		const info: Omit<FailureInfo, 'description'> = {
			status,
			type: typeof envelope.type === 'string' ? envelope.type : 'unknown_error',
			message: redact(envelope.message, apiKey),
			retryAfterMs: wait,
			currentCalls: typeof envelope.current_calls === 'number' ? envelope.current_calls : undefined,
			maxCalls: typeof envelope.max_calls === 'number' ? envelope.max_calls : undefined,
		};
		return { ...info, description: describeFailure(info) };
	}
	const contentType = String(header(headers, 'content-type') ?? '');
	let what: string;
	if (text === undefined || text.trim() === '') {
		what = 'an empty body';
	} else if (/html/i.test(contentType) || /^\s*</.test(text)) {
		what = 'an HTML page instead of JSON (often a proxy or gateway error)';
	} else if (/^\s*[[{]/.test(text)) {
		what = 'a cut-off or malformed JSON body';
	} else {
		what = 'a body that is not JSON';
	}
	const type =
		status === 429 ? 'rate_limit_exceeded' : status >= 500 ? 'internal_error' : 'http_error';
	const info = {
		status,
		type,
		message: `FormantAI answered HTTP ${status} with ${what}`,
		retryAfterMs: wait,
	};
	const start = text && text.trim() !== '' ? ` The body began: "${snippet(text, apiKey)}"` : '';
	return { ...info, description: `${describeFailure(info)}${start}` };
}

/** A success status whose body is not the JSON the API documents. */
export class InvalidBody {
	readonly message: string;

	constructor(
		readonly status: number,
		readonly text: string | undefined,
	) {
		this.message = `FormantAI answered HTTP ${status} with a body that is not JSON`;
	}
}

/** The body of a success: the stream for downloads, parsed JSON otherwise, or what is wrong with it. */
export function parseBody(body: unknown, stream: boolean, status: number): unknown {
	if (stream) return body;
	if (typeof body === 'object' && body !== null && !(body instanceof Uint8Array)) return body;
	const text = bodyText(body);
	const parsed = text === undefined || text === '' ? undefined : parseJson(text);
	return parsed === undefined ? new InvalidBody(status, text) : parsed;
}

export function protocolFailure(error: InvalidBody, apiKey: string): FailureInfo {
	const start = error.text
		? ` The body began: "${snippet(error.text, apiKey)}"`
		: ' The body was empty.';
	return {
		status: error.status,
		type: 'invalid_response',
		message: error.message,
		description: `FormantAI, or a proxy in front of it, sent something other than the documented JSON. Check the Region or Base URL in the credential.${start}`,
	};
}

const NETWORK_REASONS: Record<string, string> = {
	ECONNRESET: 'the connection was reset before an answer arrived',
	ECONNREFUSED: 'the connection was refused',
	ENOTFOUND: 'the host name could not be resolved',
	EAI_AGAIN: 'the host name could not be resolved (DNS lookup failed)',
	EPIPE: 'the connection closed while the request was being sent',
	EHOSTUNREACH: 'the host is unreachable',
	ENETUNREACH: 'the network is unreachable',
};

const TIMEOUT_CODES = ['ECONNABORTED', 'ETIMEDOUT'];

function networkCode(error: unknown): string | undefined {
	const e = error as { code?: unknown; cause?: { code?: unknown; cause?: { code?: unknown } } };
	const code = e?.cause?.code ?? e?.code ?? e?.cause?.cause?.code;
	return typeof code === 'string' ? code : undefined;
}

export function isTimeout(error: unknown): boolean {
	const code = networkCode(error);
	return code !== undefined && TIMEOUT_CODES.includes(code);
}

export function isCancel(error: unknown): boolean {
	return networkCode(error) === 'ERR_CANCELED' || (error as Error)?.name === 'CanceledError';
}

export function seconds(ms: number): string {
	return ms < 1000 ? `${ms} ms` : `${Math.round(ms / 1000)} s`;
}

export interface NetworkContext {
	/** Where the request went, e.g. `https://api.formantai.com/v1/call`. */
	where: string;
	method: string;
	apiKey: string;
	/** The timeout this attempt had. */
	attemptTimeoutMs: number;
	/** The deadline of the whole request, when this attempt's timeout was what was left of it. */
	deadlineMs?: number;
}

export function failureFromNetwork(error: unknown, ctx: NetworkContext): FailureInfo {
	const code = networkCode(error);
	let reason = code ? NETWORK_REASONS[code] : undefined;
	if (isTimeout(error)) {
		reason =
			ctx.deadlineMs !== undefined
				? `no answer arrived within the ${seconds(ctx.deadlineMs)} allowed for the whole request`
				: `no answer arrived within ${seconds(ctx.attemptTimeoutMs)}`;
	}
	if (!reason) {
		const cause = (error as { cause?: { message?: unknown } })?.cause?.message;
		reason = redact(
			String(cause ?? (error as Error)?.message ?? 'unknown network error'),
			ctx.apiKey,
		);
	}
	const maybeActed =
		ctx.method === 'GET'
			? ''
			: ' FormantAI may have acted on the request before the connection failed: check before sending it again.';
	return {
		type: 'network_error',
		message: `Could not reach FormantAI at ${ctx.where}: ${reason}${code ? ` (${code})` : ''}`,
		description: `Check the network and the Region or Base URL in the FormantAI API credential.${maybeActed}`,
	};
}
