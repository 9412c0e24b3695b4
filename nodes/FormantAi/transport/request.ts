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
import { toNodeApiError } from './errors';
import {
	failureFromNetwork,
	failureFromResponse,
	InvalidBody,
	isCancel,
	isReadable,
	isTimeout,
	parseBody,
	protocolFailure,
	readSome,
} from './response';
import type { RetryOptions } from './retry';
import { isRetrySafe, nextStep, RETRY_DEFAULTS } from './retry';
import { pause, runtime } from './runtime';

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
	/** Timeout of one attempt; defaults to `runtime.requestTimeoutMs`. */
	timeoutMs?: number;
	/** Deadline for the whole request, retries and waits included; defaults to `runtime.requestDeadlineMs`. */
	deadlineMs?: number;
	itemIndex?: number;
}

export interface ApiResponse<T = unknown> {
	body: T;
	headers: Record<string, string | string[] | undefined>;
	status: number;
	/** How many attempts it took (1 when the first one succeeded). */
	attempts: number;
}

interface RawResponse {
	body: unknown;
	headers: ApiResponse['headers'];
	statusCode: number;
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

function cancelSignal(ctx: FormantAiContext): AbortSignal | undefined {
	const fn = (ctx as Partial<IExecuteFunctions>).getExecutionCancelSignal;
	return typeof fn === 'function' ? fn.call(ctx) : undefined;
}

function cancelled(
	ctx: FormantAiContext,
	request: ApiRequest,
	waiting: boolean,
): NodeOperationError {
	return new NodeOperationError(
		ctx.getNode(),
		waiting
			? 'The execution was cancelled while waiting to retry the FormantAI request'
			: 'The execution was cancelled',
		{
			itemIndex: request.itemIndex,
			description:
				request.method === 'GET' || !waiting
					? 'Nothing more was sent to FormantAI.'
					: 'Nothing more was sent to FormantAI, but an earlier attempt may have reached it: check before sending it again.',
		},
	);
}

/**
 * The slowest upload link allowed for (100 KB/s): an upload's time limit grows with its size, so a
 * one-hour recording is not cut off by the limit meant for a small JSON request.
 */
export const MIN_UPLOAD_BYTES_PER_SECOND = 100 * 1024;

/** Extra time an upload gets on top of the usual limits, from the size of its parts. */
export function uploadAllowanceMs(form: FormData): number {
	let bytes = 0;
	form.forEach((value) => {
		bytes += typeof value === 'string' ? value.length : value.size;
	});
	return Math.ceil((bytes / MIN_UPLOAD_BYTES_PER_SECOND) * 1000);
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
	const isForm = typeof FormData !== 'undefined' && request.body instanceof FormData;
	const policy: RetryOptions = {
		// An upload is sent once, whatever the caller asks: its file is streamed and cannot be replayed.
		retry:
			!isForm && (request.retry?.retry ?? isRetrySafe(request.method, request.path, request.body)),
		maxRetries: request.retry?.maxRetries ?? RETRY_DEFAULTS.maxRetries,
		maxWaitMs: request.retry?.maxWaitMs ?? RETRY_DEFAULTS.maxWaitMs,
	};
	const signal = cancelSignal(this);
	const stream = request.response === 'stream';
	const uploadMs = isForm ? uploadAllowanceMs(request.body as FormData) : 0;
	// One deadline for the whole request: every attempt and every wait between attempts.
	const timeoutMs = (request.timeoutMs ?? runtime.requestTimeoutMs) + uploadMs;
	const deadlineMs = (request.deadlineMs ?? runtime.requestDeadlineMs) + uploadMs;
	const deadline = runtime.now() + deadlineMs;
	let waitedMs = 0;

	for (let attempt = 0; ; attempt++) {
		const attemptTimeoutMs = Math.max(1, Math.min(timeoutMs, deadline - runtime.now()));
		const options: IHttpRequestOptions = {
			method: request.method,
			baseURL: conn.baseUrl,
			url: request.path,
			qs: request.qs,
			body: request.body,
			json: !isForm && !stream,
			returnFullResponse: true,
			ignoreHttpStatusErrors: true,
			timeout: attemptTimeoutMs,
		};
		if (stream) options.encoding = 'stream';
		// An upload is sent once: a client that follows redirects keeps every byte sent to replay it.
		if (isForm) options.disableFollowRedirect = true;

		let failure: FailureInfo;
		let cutShort = false;
		// Every outcome is classified here; n8n's own errors (e.g. no credential selected) already
		// say what to do and pass through as they are.
		const outcome = await this.helpers.httpRequestWithAuthentication
			.call(this, API_CREDENTIAL, options)
			.then(
				(response) => ({ response: response as RawResponse }),
				(error: unknown) => ({ error }),
			);
		if ('response' in outcome) {
			const { statusCode: status, headers, body: raw } = outcome.response;
			const parsed = status < 400 ? parseBody(raw, stream, status) : undefined;
			if (status < 400 && !(parsed instanceof InvalidBody)) {
				return { body: parsed as T, headers, status, attempts: attempt + 1 };
			}
			failure =
				parsed instanceof InvalidBody
					? protocolFailure(parsed, conn.apiKey)
					: failureFromResponse(
							status,
							headers,
							isReadable(raw) ? await readSome(raw) : raw,
							conn.apiKey,
							runtime.now(),
						);
		} else {
			const { error } = outcome;
			if (error instanceof NodeOperationError) throw error;
			if (isCancel(error) || signal?.aborted) throw cancelled(this, request, false);
			// An attempt that had only what was left of the deadline, and used it up.
			cutShort = attemptTimeoutMs < timeoutMs && isTimeout(error);
			failure = failureFromNetwork(error, {
				where: `${conn.baseUrl}${request.path}`,
				method: request.method,
				apiKey: conn.apiKey,
				attemptTimeoutMs,
				deadlineMs: cutShort ? deadlineMs : undefined,
			});
		}

		const leftMs = cutShort ? 0 : deadline - runtime.now();
		const step = signal?.aborted
			? { note: '' }
			: nextStep(failure, policy, { attempt, waitedMs, leftMs, deadlineMs });
		if ('note' in step) {
			failure.description += step.note;
			const error = toNodeApiError(this.getNode(), failure, request.itemIndex);
			error.context.formantAi = {
				type: failure.type,
				status: failure.status ?? null,
				attempts: attempt + 1,
			};
			throw error;
		}
		await pause(this, step.waitMs, signal, () => cancelled(this, request, true));
		waitedMs += step.waitMs;
	}
}

/** Like `formantAiRequestFull`, returning only the parsed body. */
export async function formantAiRequest<T = IDataObject>(
	this: FormantAiContext,
	request: ApiRequest,
): Promise<T> {
	const response = await formantAiRequestFull.call(this, request);
	return response.body as T;
}
