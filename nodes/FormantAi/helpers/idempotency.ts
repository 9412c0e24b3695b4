import { createHash } from 'node:crypto';

import type { IExecuteFunctions } from 'n8n-workflow';

/**
 * The Automatic idempotency key: the same for the same execution, node, run and item (and the same
 * agent and phone), so n8n's Retry On Fail and the transport's own retries reach FormantAI with the
 * key it already saw and it refuses a second call (409 `duplicate_request`), while a new execution
 * gets a new key and calls again. Shaped like a UUID, which FormantAI recommends.
 */
export function automaticIdempotencyKey(parts: {
	executionId: string;
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
				parts.executionId,
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

/** Which execution this is, for keys that must tell one execution from another. */
export function executionIdentity(ctx: IExecuteFunctions): string {
	return String(ctx.getExecutionId() ?? '');
}
