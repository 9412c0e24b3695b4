import { sleep } from 'n8n-workflow';

/**
 * Everything in the transport that depends on time or chance goes through this object, so tests
 * can replace it (no real waiting, no wall clock) and the engine still uses n8n's own `sleep`.
 */
export interface TransportRuntime {
	sleep(ms: number, signal?: AbortSignal): Promise<void>;
	now(): number;
	random(): number;
	/** Per-request timeout. */
	requestTimeoutMs: number;
}

export const defaultRuntime: Readonly<TransportRuntime> = {
	sleep: async (ms, signal) => await sleep(ms, signal),
	now: () => Date.now(),
	random: () => Math.random(),
	requestTimeoutMs: 60_000,
};

export const runtime: TransportRuntime = { ...defaultRuntime };

/** Puts back the real clock and sleeper (used by tests after replacing them). */
export function resetRuntime(): void {
	Object.assign(runtime, defaultRuntime);
}

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

/** Exponential backoff for 5xx and network errors: 0.5 s, 1 s, 2 s … capped at 8 s, with jitter. */
export function backoffMs(attempt: number): number {
	const base = Math.min(8_000, 500 * 2 ** attempt);
	return Math.round(base / 2 + (runtime.random() * base) / 2);
}
