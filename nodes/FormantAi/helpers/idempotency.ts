import { createHash, randomUUID } from 'node:crypto';

import type { IExecuteFunctions } from 'n8n-workflow';

/**
 * The Automatic idempotency key: the same for the same execution (see `executionIdentity`: n8n's
 * Retry of a failed execution counts as the same), node, run and item (and the same agent and
 * phone), so n8n's Retry On Fail, its execution Retry and the transport's own retries reach
 * FormantAI with the key it already saw and it refuses a second call (409 `duplicate_request`),
 * while a new execution gets a new key and calls again. Shaped like a UUID, as FormantAI
 * recommends.
 */
export function automaticIdempotencyKey(parts: {
	execution: string;
	nodeId: string;
	runIndex: number;
	itemIndex: number;
	agentId: number;
	phone: string;
}): string {
	const hex = createHash('sha256')
		.update(
			[
				'formantai-call-v1',
				parts.execution,
				parts.nodeId,
				parts.runIndex,
				parts.itemIndex,
				parts.agentId,
				parts.phone,
			].join('\u0000'),
		)
		.digest('hex');
	return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

/**
 * Which run of the node this is in the execution (loops run a node several times). n8n's Retry
 * On Fail repeats the same run, so the run index tells a retry from a new pass of a loop.
 */
export function runIndexOf(ctx: IExecuteFunctions, itemIndex: number): number {
	// The same for every item of a run, and the data proxy is costly to build: read it once.
	const known = runIndexes.get(ctx);
	if (known !== undefined) return known;
	let runIndex = 0;
	try {
		const value = ctx.getWorkflowDataProxy(itemIndex).$runIndex as unknown;
		if (typeof value === 'number') runIndex = value;
	} catch {
		runIndex = 0;
	}
	runIndexes.set(ctx, runIndex);
	return runIndex;
}

const runIndexes = new WeakMap<object, number>();

/**
 * Which execution this is, the same across n8n's Retry of a failed execution. A Retry is a new
 * execution (new ID) that starts again at the failed node from the saved data of the execution it
 * retries, so a key built from the execution ID would differ and every call placed before the
 * failure would be placed again. The node's execution context (`getContext('node')`) is part of
 * that saved data: a random ID written there on the first run is read back by every Retry, while
 * a genuinely new execution starts with an empty context and gets a new one.
 */
export function executionIdentity(ctx: IExecuteFunctions): string {
	const context = ctx.getContext('node');
	const known = context[EXECUTION_IDENTITY];
	if (typeof known === 'string' && known !== '') return known;
	const identity = randomUUID();
	context[EXECUTION_IDENTITY] = identity;
	return identity;
}

const EXECUTION_IDENTITY = 'formantAiExecution';
