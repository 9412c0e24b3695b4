import type {
	ICredentialDataDecryptedObject,
	IDataObject,
	IExecuteFunctions,
	IHttpRequestMethods,
	IHttpRequestOptions,
	ILoadOptionsFunctions,
	IWebhookFunctions,
} from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { resolveBaseUrl } from './baseUrl';
import type { FailureInfo } from './errors';
import { describeFailure, toNodeApiError } from './errors';
import type { RetryOptions } from './runtime';
import { backoffMs, RETRY_DEFAULTS, runtime } from './runtime';

export type FormantAiContext = IExecuteFunctions | IWebhookFunctions | ILoadOptionsFunctions;

export const API_CREDENTIAL = 'formantAiApi';

export interface ApiRequest {
	method: IHttpRequestMethods;
	/** Path below the base URL, e.g. `/v1/call`. */
	path: string;
	qs?: IDataObject;
	body?: IDataObject | FormData;
	/** `json` (default) parses the body; `stream` hands back the response stream (downloads). */
	response?: 'json' | 'stream';
	/** Retrying is on by default for GET only; see `isRetrySafe`. */
	retry?: Partial<RetryOptions>;
	/** Per-request timeout; defaults to `runtime.requestTimeoutMs`. */
	timeoutMs?: number;
	itemIndex?: number;
}

export interface ApiResponse<T = unknown> {
	body: T;
	headers: Record<string, string | string[] | undefined>;
	status: number;
	/** How many attempts it took (1 when the first one succeeded). */
	attempts: number;
}

interface Connection {
	baseUrl: string;
	apiKey: string;
}

// One credential read per node run: `this` is the same object for every item of a run.
const connections = new WeakMap<object, Connection>();

async function connection(ctx: FormantAiContext, itemIndex?: number): Promise<Connection> {
	const cached = connections.get(ctx);
	if (cached) return cached;
	const credentials = (await (ctx as IExecuteFunctions).getCredentials(
		API_CREDENTIAL,
		itemIndex,
	)) as ICredentialDataDecryptedObject;
	const resolved = resolveBaseUrl(credentials);
	if ('error' in resolved) {
		throw new NodeOperationError(ctx.getNode(), resolved.error, {
			itemIndex,
			description: 'Fix the Region or Base URL in the FormantAI API credential.',
		});
	}
	const result = { baseUrl: resolved.baseUrl, apiKey: String(credentials.apiKey ?? '') };
	connections.set(ctx, result);
	return result;
}

/**
 * Whether sending this request twice is harmless. GETs are; a call is only when FormantAI can
 * recognise the second copy by its idempotency key; uploads never are (a second campaign or job).
 */
export function isRetrySafe(method: IHttpRequestMethods, path: string, body?: unknown): boolean {
	if (method === 'GET') return true;
	if (method === 'POST' && path === '/v1/call') {
		const key = (body as IDataObject | undefined)?.idempotency_key;
		return typeof key === 'string' && key.length > 0;
	}
	return false;
}

function cancelSignal(ctx: FormantAiContext): AbortSignal | undefined {
	const fn = (ctx as Partial<IExecuteFunctions>).getExecutionCancelSignal;
	return typeof fn === 'function' ? fn.call(ctx) : undefined;
}

/** Removes the API key from any text that came from outside, in case something echoes it. */
function redact(text: string, apiKey: string): string {
	return apiKey.length >= 4 ? text.split(apiKey).join('[redacted]') : text;
}

function header(headers: ApiResponse['headers'], name: string): string | undefined {
	const value = headers?.[name] ?? headers?.[name.toLowerCase()];
	return Array.isArray(value) ? value[0] : value;
}

/** Milliseconds to wait per Retry-After (seconds or HTTP date) or X-RateLimit-Reset (ISO 8601). */
export function retryAfterMs(headers: ApiResponse['headers']): number | undefined {
	const retryAfter = header(headers, 'retry-after');
	if (retryAfter !== undefined && retryAfter.trim() !== '') {
		const seconds = Number(retryAfter);
		if (Number.isFinite(seconds)) return Math.max(0, Math.round(seconds * 1000));
		const date = Date.parse(retryAfter);
		if (Number.isFinite(date)) return Math.max(0, date - runtime.now());
	}
	const reset = header(headers, 'x-ratelimit-reset');
	if (reset !== undefined) {
		const date = Date.parse(reset);
		if (Number.isFinite(date)) return Math.max(0, date - runtime.now());
	}
	return undefined;
}

interface Readable {
	on(event: string, listener: (...args: unknown[]) => void): unknown;
	destroy?(): void;
}

function isReadable(value: unknown): value is Readable {
	return (
		typeof value === 'object' && value !== null && typeof (value as Readable).on === 'function'
	);
}

/** Reads at most `limit` bytes of an error body that arrived as a stream. */
async function readSome(stream: Readable, limit = 64 * 1024): Promise<string> {
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
function failureFromResponse(
	status: number,
	headers: ApiResponse['headers'],
	body: unknown,
	apiKey: string,
): FailureInfo {
	const text = bodyText(body);
	const data = text !== undefined ? parseJson(text) : body;
	const envelope = (data as IDataObject | undefined)?.error as IDataObject | undefined;
	const wait = retryAfterMs(headers);
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

const NETWORK_REASONS: Record<string, string> = {
	ECONNRESET: 'the connection was reset before an answer arrived',
	ECONNREFUSED: 'the connection was refused',
	ENOTFOUND: 'the host name could not be resolved',
	EAI_AGAIN: 'the host name could not be resolved (DNS lookup failed)',
	EPIPE: 'the connection closed while the request was being sent',
	EHOSTUNREACH: 'the host is unreachable',
	ENETUNREACH: 'the network is unreachable',
	ECONNABORTED: 'no answer arrived in time',
	ETIMEDOUT: 'no answer arrived in time',
};

function networkCode(error: unknown): string | undefined {
	const e = error as { code?: unknown; cause?: { code?: unknown; cause?: { code?: unknown } } };
	const code = e?.cause?.code ?? e?.code ?? e?.cause?.cause?.code;
	return typeof code === 'string' ? code : undefined;
}

function failureFromNetwork(error: unknown, request: ApiRequest, conn: Connection): FailureInfo {
	const code = networkCode(error);
	let reason = code ? NETWORK_REASONS[code] : undefined;
	if (code === 'ECONNABORTED' || code === 'ETIMEDOUT') {
		const ms = request.timeoutMs ?? runtime.requestTimeoutMs;
		reason = `no answer arrived within ${ms < 1000 ? `${ms} ms` : `${Math.round(ms / 1000)} s`}`;
	}
	if (!reason) {
		const cause = (error as { cause?: { message?: unknown } })?.cause?.message;
		reason = redact(
			String(cause ?? (error as Error)?.message ?? 'unknown network error'),
			conn.apiKey,
		);
	}
	const where = `${conn.baseUrl}${request.path}`;
	const maybeActed =
		request.method === 'GET'
			? ''
			: ' FormantAI may have acted on the request before the connection failed: check before sending it again.';
	return {
		type: 'network_error',
		message: `Could not reach FormantAI at ${where}: ${reason}${code ? ` (${code})` : ''}`,
		description: `Check the network and the Region or Base URL in the FormantAI API credential.${maybeActed}`,
	};
}

function isCancel(error: unknown): boolean {
	const code = networkCode(error);
	return code === 'ERR_CANCELED' || (error as Error)?.name === 'CanceledError';
}

/** How long to wait before the next attempt, or undefined when this failure must not be retried. */
function delayFor(failure: FailureInfo, attempt: number): number | undefined {
	// A full workspace is not a passing blip: waiting for a free slot is the caller's choice
	// (the Call operation's Wait for Free Slot), so it is reported at once.
	if (failure.type === 'concurrent_call_limit_exceeded') return undefined;
	if (failure.status === 429) return failure.retryAfterMs ?? backoffMs(attempt);
	if (failure.status === undefined || failure.status >= 500) {
		return failure.retryAfterMs ?? backoffMs(attempt);
	}
	return undefined;
}

/**
 * The only door to FormantAI's API: base URL from the credential, authentication by n8n,
 * FormantAI's errors turned into n8n errors with a fix, and bounded retries of what is safe.
 */
export async function formantAiRequestFull<T = IDataObject>(
	this: FormantAiContext,
	request: ApiRequest,
): Promise<ApiResponse<T>> {
	const conn = await connection(this, request.itemIndex);
	const policy: RetryOptions = {
		retry: request.retry?.retry ?? isRetrySafe(request.method, request.path, request.body),
		maxRetries: request.retry?.maxRetries ?? RETRY_DEFAULTS.maxRetries,
		maxWaitMs: request.retry?.maxWaitMs ?? RETRY_DEFAULTS.maxWaitMs,
	};
	const signal = cancelSignal(this);
	const isForm = typeof FormData !== 'undefined' && request.body instanceof FormData;
	let waited = 0;

	for (let attempt = 0; ; attempt++) {
		const options: IHttpRequestOptions = {
			method: request.method,
			baseURL: conn.baseUrl,
			url: request.path,
			qs: request.qs,
			body: request.body,
			json: !isForm && request.response !== 'stream',
			returnFullResponse: true,
			ignoreHttpStatusErrors: true,
			timeout: request.timeoutMs ?? runtime.requestTimeoutMs,
		};
		if (request.response === 'stream') options.encoding = 'stream';
		// An upload is sent once: a client that follows redirects keeps every byte sent to replay it.
		if (isForm) options.disableFollowRedirect = true;

		let failure: FailureInfo;
		try {
			const response = (await this.helpers.httpRequestWithAuthentication.call(
				this,
				API_CREDENTIAL,
				options,
			)) as { body: unknown; headers: ApiResponse['headers']; statusCode: number };
			const { statusCode: status, headers } = response;
			if (status < 400) {
				return {
					body: parseSuccess(response.body, request, status) as T,
					headers,
					status,
					attempts: attempt + 1,
				};
			}
			const body = isReadable(response.body) ? await readSome(response.body) : response.body;
			failure = failureFromResponse(status, headers, body, conn.apiKey);
		} catch (error) {
			// e.g. no credential selected: n8n's own error already says what to do.
			if (error instanceof NodeOperationError) {
				throw new NodeOperationError(this.getNode(), error, { itemIndex: request.itemIndex });
			}
			if (isCancel(error) || signal?.aborted) {
				throw new NodeOperationError(this.getNode(), 'The execution was cancelled', {
					itemIndex: request.itemIndex,
				});
			}
			failure =
				error instanceof FormantAiProtocolError
					? protocolFailure(error, conn.apiKey)
					: failureFromNetwork(error, request, conn);
		}

		const delay = policy.retry ? delayFor(failure, attempt) : undefined;
		const retriesLeft = attempt < policy.maxRetries && !signal?.aborted;
		if (delay === undefined || !retriesLeft || waited + delay > policy.maxWaitMs) {
			if (attempt > 0) {
				failure.description += ` (Gave up after ${attempt + 1} attempts and ${Math.round(waited / 1000)} s of waiting.)`;
			} else if (delay !== undefined && policy.retry && retriesLeft) {
				failure.description += ` (Not retried: the wait is longer than the ${Math.round(policy.maxWaitMs / 1000)} s allowed.)`;
			}
			const error = toNodeApiError(this.getNode(), failure, request.itemIndex);
			error.context.formantAi = {
				type: failure.type,
				status: failure.status ?? null,
				attempts: attempt + 1,
			};
			throw error;
		}
		await runtime.sleep(delay, signal);
		waited += delay;
	}
}

function parseSuccess(body: unknown, request: ApiRequest, status: number): unknown {
	if (request.response === 'stream') return body;
	if (typeof body === 'object' && body !== null && !(body instanceof Uint8Array)) return body;
	const text = bodyText(body);
	const parsed = text === undefined || text === '' ? undefined : parseJson(text);
	if (parsed === undefined) {
		throw new FormantAiProtocolError(status, text);
	}
	return parsed;
}

/** A success status whose body is not the JSON the API documents. */
class FormantAiProtocolError extends Error {
	constructor(
		readonly status: number,
		readonly text: string | undefined,
	) {
		super(`FormantAI answered HTTP ${status} with a body that is not JSON`);
	}
}

function protocolFailure(error: FormantAiProtocolError, apiKey: string): FailureInfo {
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

/** Like `formantAiRequestFull`, returning only the parsed body. */
export async function formantAiRequest<T = IDataObject>(
	this: FormantAiContext,
	request: ApiRequest,
): Promise<T> {
	const response = await formantAiRequestFull.call(this, request);
	return response.body as T;
}
