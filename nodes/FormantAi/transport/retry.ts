import type { IDataObject, IHttpRequestMethods } from 'n8n-workflow';

import type { FailureInfo } from './errors';
import { runtime } from './runtime';

export interface RetryOptions {
	/** Whether this request may be sent again at all. */
	retry: boolean;
	/** Attempts after the first one. */
	maxRetries: number;
	/** Total time the transport may spend waiting between attempts. */
	maxWaitMs: number;
}

export const RETRY_DEFAULTS: Omit<RetryOptions, 'retry'> = {
	maxRetries: 3,
	maxWaitMs: 60_000,
};

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

/** Exponential backoff for 5xx and network errors: 0.5 s, 1 s, 2 s … capped at 8 s, with jitter. */
export function backoffMs(attempt: number): number {
	const base = Math.min(8_000, 500 * 2 ** attempt);
	return Math.round(base / 2 + (runtime.random() * base) / 2);
}

/**
 * A random extra on top of a wait the server gave, so that requests told the same wait (pages
 * fetched in parallel) do not all come back at the same instant: up to a tenth of the wait,
 * at least 0.25 s and at most 1 s. Never less than the server asked for.
 */
export function jitterMs(waitMs: number): number {
	return Math.round(runtime.random() * Math.min(1_000, Math.max(250, waitMs / 10)));
}

/** Below this a number is seconds to wait (under 32 years); from it, an epoch timestamp. */
const EPOCH_SECONDS_FROM = 1e9;
/** From this a number is epoch milliseconds (1e12 ms is 2001-09-09, as 1e9 s is). */
const EPOCH_MILLISECONDS_FROM = 1e12;

/**
 * X-RateLimit-Reset as milliseconds from `now`. FormantAI documents an ISO 8601 date with an
 * offset; numbers are read too (gateways and other APIs send them), by one rule on their size:
 * below 10^9 seconds to wait, below 10^12 epoch seconds, otherwise epoch milliseconds. A reset
 * already past means no wait.
 */
export function rateLimitResetMs(value: string | undefined, now: number): number | undefined {
	const text = value?.trim();
	if (!text) return undefined;
	if (/^\d+(\.\d+)?$/.test(text)) {
		const n = Number(text);
		if (n < EPOCH_SECONDS_FROM) return Math.round(n * 1000);
		const at = n < EPOCH_MILLISECONDS_FROM ? n * 1000 : n;
		return Math.max(0, Math.round(at - now));
	}
	const at = Date.parse(text);
	return Number.isFinite(at) ? Math.max(0, at - now) : undefined;
}

/**
 * Milliseconds FormantAI asked us to wait: Retry-After (seconds or an HTTP date) on any answer,
 * else X-RateLimit-Reset on a 429 only — on other answers it just tells when the window turns.
 */
export function retryAfterMs(
	status: number,
	retryAfter: string | undefined,
	rateLimitReset: string | undefined,
	now: number,
): number | undefined {
	if (retryAfter !== undefined && retryAfter.trim() !== '') {
		const seconds = Number(retryAfter);
		if (Number.isFinite(seconds)) return Math.max(0, Math.round(seconds * 1000));
		const date = Date.parse(retryAfter);
		if (Number.isFinite(date)) return Math.max(0, date - now);
	}
	return status === 429 ? rateLimitResetMs(rateLimitReset, now) : undefined;
}

/** How long to wait before the next attempt, or undefined when this failure must not be retried. */
function delayFor(failure: FailureInfo, attempt: number): number | undefined {
	// A full workspace is not a passing blip: waiting for a free slot is the caller's choice
	// (the Call operation's Wait for Free Slot), so it is reported at once.
	if (failure.type === 'concurrent_call_limit_exceeded') return undefined;
	if (failure.status === 429 || failure.status === undefined || failure.status >= 500) {
		return failure.retryAfterMs ?? backoffMs(attempt);
	}
	return undefined;
}

export interface RetryState {
	/** 0 for the first attempt. */
	attempt: number;
	/** Time already spent waiting between attempts. */
	waitedMs: number;
	/** What is left of the whole request's deadline. */
	leftMs: number;
	/** The whole request's deadline. */
	deadlineMs: number;
}

/** The wait before the next attempt, or the sentence to add to the error when there is none. */
export function nextStep(
	failure: FailureInfo,
	policy: RetryOptions,
	state: RetryState,
): { waitMs: number } | { note: string } {
	const { attempt, waitedMs } = state;
	const gaveUp =
		attempt > 0
			? `Gave up after ${attempt + 1} attempts and ${Math.round(waitedMs / 1000)} s of waiting`
			: '';
	const base = policy.retry ? delayFor(failure, attempt) : undefined;
	if (base === undefined || attempt >= policy.maxRetries) {
		return { note: gaveUp ? ` (${gaveUp}.)` : '' };
	}
	const waitLeft = policy.maxWaitMs - waitedMs;
	if (base > waitLeft) {
		return {
			note: gaveUp
				? ` (${gaveUp}.)`
				: ` (Not retried: the wait is longer than the ${Math.round(policy.maxWaitMs / 1000)} s allowed.)`,
		};
	}
	const extra = failure.retryAfterMs !== undefined ? jitterMs(base) : 0;
	const waitMs = Math.min(base + extra, waitLeft);
	if (waitMs >= state.leftMs) {
		const seconds = Math.max(1, Math.round(state.deadlineMs / 1000));
		return {
			note: ` (${gaveUp || 'Not retried'}: a request to FormantAI may take at most ${seconds} s in all, retries and the waits between them included, and no time was left for another attempt. Try again later (n8n's Retry On Fail setting can do it for you), and check the network and the Region or Base URL in the credential.)`,
		};
	}
	return { waitMs };
}
