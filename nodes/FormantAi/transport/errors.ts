import type { INode, JsonObject } from 'n8n-workflow';
import { NodeApiError } from 'n8n-workflow';

/** What went wrong with one FormantAI request, before it becomes an n8n error. */
export interface FailureInfo {
	/** HTTP status, or undefined when no response arrived. */
	status?: number;
	/** FormantAI's `error.type`, or our own label for failures without one. */
	type: string;
	message: string;
	description: string;
	/** Milliseconds FormantAI asked us to wait (Retry-After or X-RateLimit-Reset), when it said. */
	retryAfterMs?: number;
	currentCalls?: number;
	maxCalls?: number;
}

const HINTS: Record<string, string> = {
	invalid_request:
		'FormantAI rejected the content of the request. Correct the field the message names (for example the agent ID, customer phone or schedule time); sending it again unchanged fails the same way.',
	authentication_error:
		"The API key is missing, invalid or disabled. Create or re-enable a key in FormantAI's dashboard under Developer → API Keys and put it in the FormantAI API credential.",
	not_found:
		"FormantAI has no such resource in this workspace. Check the ID, and that the credential's region (Global or India) is the workspace's region.",
	duplicate_request:
		'A request with this idempotency key was already accepted in the last 24 hours, so FormantAI did not act on it again.',
	rate_limit_exceeded:
		'FormantAI is limiting requests (for the API key or for calls to this number). Wait before sending more, or spread the work over time.',
	concurrent_call_limit_exceeded:
		"The workspace's limit of simultaneous calls is reached. Wait for live calls to end, or turn on the Call operation's Wait for Free Slot option.",
	internal_error:
		'FormantAI had an unexpected server error. Try again later; if it keeps happening, contact FormantAI support with the time of the request.',
};

const STATUS_TYPES: Record<number, string> = {
	400: 'invalid_request',
	401: 'authentication_error',
	404: 'not_found',
	409: 'duplicate_request',
	429: 'rate_limit_exceeded',
	500: 'internal_error',
};

/** The fix-it sentence for a FormantAI error type (falls back on the HTTP status). */
export function hintFor(type: string | undefined, status?: number): string {
	if (type && HINTS[type]) return HINTS[type];
	if (status !== undefined && STATUS_TYPES[status]) return HINTS[STATUS_TYPES[status]];
	if (status !== undefined && status >= 500) {
		return 'FormantAI, or a proxy in front of it, failed to answer properly. Try again later.';
	}
	return 'Check the request and the FormantAI API credential, then try again.';
}

function waitSentence(ms: number): string {
	const seconds = Math.ceil(ms / 1000);
	return `FormantAI asked to wait ${seconds} s before trying again.`;
}

/** Builds the description shown under the error message: the hint plus the numbers that matter. */
export function describeFailure(info: Omit<FailureInfo, 'description'>): string {
	const parts = [hintFor(info.type, info.status)];
	if (info.type === 'concurrent_call_limit_exceeded' && info.maxCalls !== undefined) {
		parts.unshift(
			`${info.currentCalls ?? info.maxCalls} of ${info.maxCalls} simultaneous calls are live now.`,
		);
	}
	if (info.retryAfterMs !== undefined && info.status === 429) {
		parts.push(waitSentence(info.retryAfterMs));
	}
	return parts.join(' ');
}

/**
 * The n8n error for a failure. It is built only from our own fields, never from the HTTP client's
 * error object, whose request config carries the Authorization header.
 */
export function toNodeApiError(node: INode, info: FailureInfo, itemIndex?: number): NodeApiError {
	const response: JsonObject = {
		message: info.message,
		type: info.type,
		...(info.status !== undefined ? { httpCode: String(info.status) } : {}),
		...(info.currentCalls !== undefined ? { current_calls: info.currentCalls } : {}),
		...(info.maxCalls !== undefined ? { max_calls: info.maxCalls } : {}),
		...(info.retryAfterMs !== undefined ? { retry_after_ms: info.retryAfterMs } : {}),
	};
	const error = new NodeApiError(node, response, {
		message: info.message,
		description: info.description,
		httpCode: info.status !== undefined ? String(info.status) : undefined,
		itemIndex,
	});
	// NodeApiError swaps some messages for generic ones by status; FormantAI's own words are clearer.
	error.message = info.message;
	error.description = info.description;
	return error;
}

export function isFormantAiError(error: unknown, type: string): boolean {
	return (
		error instanceof NodeApiError &&
		typeof error.errorResponse === 'object' &&
		(error.errorResponse as JsonObject).type === type
	);
}
