import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	JsonObject,
	NodeApiError,
} from 'n8n-workflow';

import { outcome } from '../../helpers/outcome';

import { formantAiRequestFull, isFormantAiError, runtime } from '../../transport';
import type { PreparedCall } from './prepare';
import { waitForOutcome } from './waitForOutcome';

type Call = Exclude<PreparedCall, { skipped: IDataObject }>;

function retryAfterOf(error: unknown): number | undefined {
	const response = (error as NodeApiError).errorResponse as JsonObject | undefined;
	const value = response?.retry_after_ms;
	return typeof value === 'number' ? value : undefined;
}

/** FormantAI already had this key: no second call was placed, and that is the item's outcome. */
function duplicateOutput(call: Call, error: unknown): INodeExecutionData[] {
	const attempts = ((error as NodeApiError).context?.formantAi as IDataObject | undefined)
		?.attempts;
	const json: IDataObject = {
		status: 'duplicate',
		duplicate: true,
		message:
			typeof attempts === 'number' && attempts > 1
				? 'FormantAI had already accepted this call (an earlier attempt reached it but its answer was lost); no second call was placed.'
				: 'FormantAI already accepted a call with this idempotency key in the last 24 hours; no second call was placed.',
		idempotency_key: call.idempotencyKey ?? null,
		customer_phone: call.e164,
		agent_id: call.agentId,
	};
	return [{ json }];
}

/**
 * Sends a prepared call. With Wait for Free Slot, a full workspace (429 concurrent limit) is
 * waited out up to Max Wait; the same body and key are sent each time, so it never dials twice.
 */
export async function placeCall(
	ctx: IExecuteFunctions,
	itemIndex: number,
	call: Call,
): Promise<INodeExecutionData[]> {
	const signal = ctx.getExecutionCancelSignal?.();
	const started = runtime.now();
	for (;;) {
		const sent = await outcome(
			formantAiRequestFull.call(ctx, {
				method: 'POST',
				path: '/v1/call',
				body: call.body,
				itemIndex,
			}),
		);
		if (sent.ok) {
			const data = ((sent.value.body as IDataObject)?.data ?? {}) as IDataObject;
			const json: IDataObject = {
				...data,
				customer_phone: call.e164,
				idempotency_key: call.idempotencyKey ?? null,
			};
			// An agent reading the tool's answer needs the outcome, not the echo of its own input.
			if (call.toolMode) delete json.retry_context;
			if (call.outcome && json.status !== 'scheduled') {
				return [{ json: await waitForOutcome(ctx, itemIndex, json, call.outcome, call.toolMode) }];
			}
			return [{ json }];
		}
		const error = sent.error;
		if (call.idempotencyKey && isFormantAiError(error, 'duplicate_request')) {
			return duplicateOutput(call, error);
		}
		if (call.maxWaitMs > 0 && isFormantAiError(error, 'concurrent_call_limit_exceeded')) {
			const elapsed = runtime.now() - started;
			const delay = Math.max(1_000, Math.min(60_000, retryAfterOf(error) ?? 5_000));
			if (elapsed + delay <= call.maxWaitMs && !signal?.aborted) {
				await runtime.sleep(delay, signal);
				continue;
			}
			const apiError = error as NodeApiError;
			apiError.description =
				`${apiError.description ?? ''} (Waited ${Math.round(elapsed / 1000)} s for a free slot; Max Wait for Free Slot is ${Math.round(call.maxWaitMs / 1000)} s.)`.trim();
		}
		// The transport's error already carries FormantAI's message, the hint and the item.
		throw error;
	}
}
