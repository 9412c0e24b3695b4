import type { INode } from 'n8n-workflow';
import { NodeOperationError, sleep } from 'n8n-workflow';

/**
 * Everything in the transport that depends on time or chance goes through this object, so tests
 * can replace it (no real waiting, no wall clock) and the engine still uses n8n's own `sleep`.
 */
export interface TransportRuntime {
	sleep(ms: number, signal?: AbortSignal): Promise<void>;
	now(): number;
	random(): number;
	/** Timeout of one attempt (one HTTP exchange). */
	requestTimeoutMs: number;
	/** Deadline for a whole request: every attempt and every wait between attempts. */
	requestDeadlineMs: number;
}

export const defaultRuntime: Readonly<TransportRuntime> = {
	sleep: async (ms, signal) => await sleep(ms, signal),
	now: () => Date.now(),
	random: () => Math.random(),
	requestTimeoutMs: 60_000,
	requestDeadlineMs: 120_000,
};

export const runtime: TransportRuntime = { ...defaultRuntime };

/** Puts back the real clock and sleeper (used by tests after replacing them). */
export function resetRuntime(): void {
	Object.assign(runtime, defaultRuntime);
}

/**
 * Waits `ms` on the runtime's clock. When the execution is cancelled meanwhile it throws the
 * caller's clear "cancelled" error (n8n's sleep rejects with the raw abort reason instead).
 */
export async function pause(
	ctx: { getNode(): INode },
	ms: number,
	signal: AbortSignal | undefined,
	cancelled: () => NodeOperationError,
): Promise<void> {
	const failure = await runtime.sleep(ms, signal).then(
		() => undefined,
		(error: unknown) => error ?? 'the wait failed',
	);
	if (signal?.aborted) throw cancelled();
	if (failure !== undefined) throw new NodeOperationError(ctx.getNode(), failure as Error);
}
