import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	JsonObject,
	NodeApiError,
} from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { outcome } from '../../helpers/outcome';
import type { SentCall } from '../../helpers/sendRecord';
import {
	forgetCall,
	recordCallPlaced,
	recordCallSending,
	sentCall,
} from '../../helpers/sendRecord';
import { toIsoUtc } from '../../helpers/schedule';
import { formantAiRequestFull, isFormantAiError, RETRY_DEFAULTS, runtime } from '../../transport';
import { backoffMs } from '../../transport/retry';
import { overLimit } from './maxCalls';
import type { Call } from './prepare';
import { decideAtSend } from './sendTime';
import { waitForOutcome } from './waitForOutcome';

function retryAfterOf(error: unknown): number | undefined {
	const response = (error as NodeApiError).errorResponse as JsonObject | undefined;
	const value = response?.retry_after_ms;
	return typeof value === 'number' ? value : undefined;
}

function statusOf(error: unknown): number | undefined {
	const info = (error as NodeApiError).context?.formantAi as IDataObject | undefined;
	return typeof info?.status === 'number' ? info.status : undefined;
}

/** FormantAI answered with a 4xx: it refused the call, so nothing rang. */
const wasRefused = (error: unknown) => {
	const status = statusOf(error);
	return status !== undefined && status >= 400 && status < 500;
};

/** No answer, or a 5xx: worth sending again with the same key (FormantAI drops a second copy). */
const passing = (error: unknown) => {
	const status = statusOf(error);
	return status === undefined || status >= 500 || isFormantAiError(error, 'rate_limit_exceeded');
};

/**
 * No second call was placed: FormantAI already had this key, or this execution's send record
 * shows the call went out in an earlier try. Carries what the node saw of the placed call.
 */
async function duplicateOutput(
	ctx: IExecuteFunctions,
	itemIndex: number,
	call: Call,
	message: string,
	earlier: SentCall | undefined,
): Promise<INodeExecutionData[]> {
	const placed: IDataObject = {
		agent_id: call.agentId,
		trace_id: earlier?.trace_id ?? null,
		conversation_id: earlier?.conversation_id ?? null,
		scheduled_for: earlier?.scheduled_for ?? null,
		customer_phone: call.e164,
		idempotency_key: call.idempotencyKey ?? null,
	};
	if (call.outcome && earlier?.trace_id && earlier.status !== 'scheduled') {
		// Wait for Outcome: the call is followed as the first try would have followed it.
		const json = await waitForOutcome(ctx, itemIndex, placed, call.outcome, call.toolMode);
		return [{ json: { ...json, duplicate: true, duplicate_message: message } }];
	}
	return [{ json: { status: 'duplicate', duplicate: true, message, ...placed } }];
}

const SEEN_BEFORE =
	'This call was placed by an earlier try of this execution (its key is in the execution); no second call was placed.';

function attemptsOf(error: unknown): number | undefined {
	const info = (error as NodeApiError).context?.formantAi as IDataObject | undefined;
	return typeof info?.attempts === 'number' ? info.attempts : undefined;
}

/** An earlier try sent this call without an idempotency key and never heard back. */
function mayHaveRung(ctx: IExecuteFunctions, itemIndex: number, call: Call): NodeOperationError {
	return new NodeOperationError(
		ctx.getNode(),
		`An earlier try of this execution sent the call to ${call.e164} and got no answer, so it may have been placed; it is not sent again [item ${itemIndex}]`,
		{
			itemIndex,
			description:
				'With Idempotency Key → None FormantAI cannot recognise a second copy. Look for the call with Conversation → Get Many (agent and number) or the FormantAI Trigger; to call again, run the workflow as a new execution.',
		},
	);
}

/**
 * Sends a prepared call. The Calling Window and Scheduled For are decided before every request
 * (decideAtSend). With Wait for Free Slot, a full workspace (429 concurrent limit) is waited out
 * up to Max Wait; the same key is sent each time, so it never dials twice. Every call sent is
 * written to the execution's send record first (Retry, Max Calls per Execution).
 */
export async function placeCall(
	ctx: IExecuteFunctions,
	itemIndex: number,
	call: Call,
): Promise<INodeExecutionData[]> {
	const signal = ctx.getExecutionCancelSignal?.();
	const started = runtime.now();
	const earlier = sentCall(ctx, call.recordKey);
	if (earlier && !call.idempotencyKey) {
		// Without a key, the send record is the only thing that stops a second call.
		if (earlier.state !== 'placed') throw mayHaveRung(ctx, itemIndex, call);
		return await duplicateOutput(ctx, itemIndex, call, SEEN_BEFORE, earlier);
	}
	const refused = overLimit(ctx, itemIndex, call);
	if (refused) return [{ json: { ...refused, customer_phone: call.e164, agent_id: call.agentId } }];
	let resends = 0;
	for (;;) {
		const decided = decideAtSend(ctx, itemIndex, call, runtime.now());
		if ('skipped' in decided) return [{ json: decided.skipped }];
		recordCallSending(ctx, call.recordKey);
		const sent = await outcome(
			formantAiRequestFull.call(ctx, {
				method: 'POST',
				path: '/v1/call',
				body: decided.body,
				itemIndex,
				// With a Calling Window the resends are made below, each after a fresh decision.
				...(call.window ? { retry: { retry: false } } : {}),
			}),
		);
		if (sent.ok) {
			const data = ((sent.value.body as IDataObject)?.data ?? {}) as IDataObject;
			recordCallPlaced(ctx, call.recordKey, data);
			const json: IDataObject = {
				...data,
				customer_phone: call.e164,
				idempotency_key: call.idempotencyKey ?? null,
			};
			// An agent reading the tool's answer needs the outcome, not the echo of its own input.
			if (call.toolMode) delete json.retry_context;
			if (call.outcome && json.status !== 'scheduled') {
				const ended = await waitForOutcome(ctx, itemIndex, json, call.outcome, call.toolMode);
				// The conversation found by the wait: a Retry's duplicate can name it too.
				if (typeof ended.conversation_id === 'string') {
					recordCallPlaced(ctx, call.recordKey, {
						...data,
						conversation_id: ended.conversation_id,
					});
				}
				return [{ json: ended }];
			}
			if (call.outcome && decided.scheduledMs !== call.scheduledMs) {
				json.message = `The Calling Window moved this call to ${toIsoUtc(decided.scheduledMs ?? 0)}; Wait for Outcome does not wait for a scheduled call. Read its outcome with the FormantAI Trigger.`;
			}
			return [{ json }];
		}
		const error = sent.error;
		if (call.idempotencyKey && isFormantAiError(error, 'duplicate_request')) {
			const attempts = attemptsOf(error);
			const message =
				earlier?.state === 'placed'
					? SEEN_BEFORE
					: attempts !== undefined && attempts > 1
						? 'FormantAI had already accepted this call (an earlier attempt reached it but its answer was lost); no second call was placed.'
						: 'FormantAI already accepted a call with this idempotency key in the last 24 hours; no second call was placed.';
			return await duplicateOutput(ctx, itemIndex, call, message, sentCall(ctx, call.recordKey));
		}
		// Refused: nothing rang, so it neither counts nor stops a later try.
		if (!earlier && wasRefused(error)) forgetCall(ctx, call.recordKey);
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
		if (
			call.window &&
			call.idempotencyKey &&
			passing(error) &&
			resends < RETRY_DEFAULTS.maxRetries &&
			!signal?.aborted
		) {
			await runtime.sleep(backoffMs(resends++), signal);
			continue;
		}
		// The transport's error already carries FormantAI's message, the hint and the item.
		throw error;
	}
}
