import type { IDataObject, IExecuteFunctions, NodeApiError } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import {
	CONVERSATION_TERMINAL_STATUSES,
	OUTCOME_DEFAULT_MAX_WAIT_SECONDS,
	OUTCOME_DEFAULT_POLL_SECONDS,
	OUTCOME_LOOKUP_MAX_PAGES,
	OUTCOME_LOOKUP_PAGE_SIZE,
	OUTCOME_MAX_WAIT_LIMIT_SECONDS,
	OUTCOME_POLL_BACKOFF,
	OUTCOME_POLL_CAP_SECONDS,
} from '../../helpers/assumptions';
import { outcome } from '../../helpers/outcome';
import { toIsoUtc } from '../../helpers/schedule';
import { simplifyConversation } from '../../helpers/simplify';
import { fieldError, secondsParameter } from '../../helpers/validation';
import { formantAiRequest, isFormantAiError, pause, runtime } from '../../transport';

export interface OutcomeWait {
	pollMs: number;
	maxWaitMs: number;
	simplify: boolean;
}

/** Where a placed call stands: its conversation once found, else what the call's answer said. */
interface Progress {
	conversationId?: string;
	record?: IDataObject;
	checked: Set<string>;
	/** Max Wait's end on the runtime clock: no request may run past it. */
	deadline: number;
}

/** A request's limits for a poll: never past Max Wait (one attempt, one whole request). */
function cut(progress: Progress): { timeoutMs: number; deadlineMs: number } {
	const left = Math.max(1, progress.deadline - runtime.now());
	return { timeoutMs: Math.min(runtime.requestTimeoutMs, left), deadlineMs: left };
}

/** A request that got no answer at all (the transport's `network_error`, timeouts included). */
const unanswered = (error: unknown) =>
	(error as { context?: { formantAi?: { type?: unknown } } })?.context?.formantAi?.type ===
	'network_error';

const digits = (phone: unknown): string => String(phone ?? '').replace(/\D/g, '');

/** The wait before poll `n` (0-based): Poll Interval, then ×1.5 each time up to 60 s. */
export function pollDelay(pollMs: number, n: number): number {
	const cap = Math.max(pollMs, OUTCOME_POLL_CAP_SECONDS * 1000);
	return Math.min(cap, Math.round(pollMs * OUTCOME_POLL_BACKOFF ** n));
}

export function isTerminal(status: unknown): boolean {
	return typeof status === 'string' && CONVERSATION_TERMINAL_STATUSES.includes(status);
}

async function readConversation(
	ctx: IExecuteFunctions,
	itemIndex: number,
	id: string,
	progress: Progress,
): Promise<IDataObject | undefined> {
	const read = await outcome(
		formantAiRequest.call(ctx, {
			method: 'GET',
			path: `/v1/conversations/${encodeURIComponent(id)}`,
			itemIndex,
			...cut(progress),
		}),
	);
	// Not readable yet (FormantAI does not say when it appears): still ringing, as far as we know.
	if (!read.ok && isFormantAiError(read.error, 'not_found')) return undefined;
	if (!read.ok) throw read.error;
	return ((read.value as IDataObject)?.data ?? {}) as IDataObject;
}

/**
 * Finds an immediate call's conversation by its trace_id: the agent's conversations newest first,
 * page after page (see OUTCOME_LOOKUP_PAGE_SIZE and OUTCOME_LOOKUP_MAX_PAGES), so the call is
 * found while a campaign on the same agent adds hundreds of newer ones.
 */
async function findByTrace(
	ctx: IExecuteFunctions,
	itemIndex: number,
	call: IDataObject,
	progress: Progress,
): Promise<IDataObject | undefined> {
	for (let page = 0; page < OUTCOME_LOOKUP_MAX_PAGES; page++) {
		const list = (await formantAiRequest.call(ctx, {
			method: 'GET',
			path: '/v1/conversations',
			qs: {
				agent_id: call.agent_id as number,
				limit: OUTCOME_LOOKUP_PAGE_SIZE,
				offset: page * OUTCOME_LOOKUP_PAGE_SIZE,
			},
			itemIndex,
			...cut(progress),
		})) as IDataObject;
		const items = Array.isArray(list?.data) ? (list.data as IDataObject[]) : [];
		for (const item of items) {
			const id = item.conversation_id;
			if (typeof id !== 'string' || progress.checked.has(id)) continue;
			if (digits(item.contact_number) !== digits(call.customer_phone)) continue;
			const record = await readConversation(ctx, itemIndex, id, progress);
			if (!record) continue;
			progress.checked.add(id);
			if (record.trace_id === call.trace_id) {
				progress.conversationId = id;
				return record;
			}
		}
		if (items.length < OUTCOME_LOOKUP_PAGE_SIZE || list?.has_more === false) return undefined;
	}
	return undefined;
}

async function poll(
	ctx: IExecuteFunctions,
	itemIndex: number,
	call: IDataObject,
	progress: Progress,
): Promise<void> {
	const record = progress.conversationId
		? await readConversation(ctx, itemIndex, progress.conversationId, progress)
		: await findByTrace(ctx, itemIndex, call, progress);
	if (record) progress.record = record;
}

function shape(record: IDataObject, wait: OutcomeWait, compact: boolean): IDataObject {
	return wait.simplify ? simplifyConversation(record, { compact }) : record;
}

/**
 * After a call was placed: polls its conversation until a terminal status or Max Wait. Never
 * places anything. A timeout or a failed poll outputs the call as it stands (it WAS placed, and
 * failing would invite a re-run that dials again); only cancelling the execution throws.
 */
export async function waitForOutcome(
	ctx: IExecuteFunctions,
	itemIndex: number,
	call: IDataObject,
	wait: OutcomeWait,
	compact: boolean,
): Promise<IDataObject> {
	const signal = ctx.getExecutionCancelSignal?.();
	const traceId = String(call.trace_id ?? '');
	const cancelled = () =>
		new NodeOperationError(
			ctx.getNode(),
			`The execution was cancelled while waiting for the outcome of call ${traceId}`,
			{
				itemIndex,
				description:
					'The call was placed and goes on at FormantAI. Read its outcome with Conversation → Get or the FormantAI Trigger; do not run this item again (it would call again).',
			},
		);
	const started = runtime.now();
	const deadline = started + wait.maxWaitMs;
	const progress: Progress = { checked: new Set(), deadline };
	if (typeof call.conversation_id === 'string' && call.conversation_id !== '') {
		progress.conversationId = call.conversation_id;
	}
	const extra = {
		customer_phone: call.customer_phone,
		idempotency_key: call.idempotency_key,
	};
	for (let n = 0; ; n++) {
		if (progress.record && isTerminal(progress.record.status)) {
			return { ...shape(progress.record, wait, compact), ...extra, timed_out: false };
		}
		const remaining = deadline - runtime.now();
		const asItStands = (more: IDataObject): IDataObject => ({
			...call,
			...(progress.record ? shape(progress.record, wait, compact) : {}),
			...extra,
			timed_out: false,
			waited_seconds: Math.round((runtime.now() - started) / 1000),
			...more,
		});
		const timedOut = () =>
			asItStands({
				timed_out: true,
				message: `The call was placed but had not ended after Max Wait; status is the last one seen. Read the outcome later with Conversation → Get${progress.conversationId ? ` (${progress.conversationId})` : ''} or the FormantAI Trigger.`,
			});
		if (remaining <= 0) return timedOut();
		await pause(ctx, Math.min(pollDelay(wait.pollMs, n), remaining), signal, cancelled);
		const polled = await outcome(poll(ctx, itemIndex, call, progress));
		if (!polled.ok) {
			if (signal?.aborted) throw cancelled();
			// A poll cut at Max Wait is the wait running out, not a failure to read (a timer may
			// fire a little early or late, hence the second of slack for a request with no answer).
			const left = deadline - runtime.now();
			if (left <= 0 || (left < 1000 && unanswered(polled.error))) {
				return timedOut();
			}
			const error = polled.error as NodeApiError;
			return asItStands({
				wait_error: error.message,
				wait_error_description: error.description ?? null,
				message:
					'The call was placed, but reading its outcome failed; status is the last one seen. Read it later with Conversation → Get or the FormantAI Trigger; do not run this item again (it would call again).',
			});
		}
	}
}

/** Wait for Outcome's settings, checked; undefined when it is off. Sends nothing. */
export function readOutcomeWait(
	ctx: IExecuteFunctions,
	itemIndex: number,
	scheduledMs: number | undefined,
): OutcomeWait | undefined {
	if (!(ctx.getNodeParameter('waitForOutcome', itemIndex, false) as boolean)) return undefined;
	if (scheduledMs !== undefined) {
		throw fieldError(
			ctx,
			itemIndex,
			'Wait for Outcome',
			`cannot wait for a scheduled call (it rings at ${toIsoUtc(scheduledMs)}, after the wait would end); no call was placed`,
			'Turn Wait for Outcome off for scheduled calls and read the outcome with the FormantAI Trigger, or choose Schedule → Immediately.',
		);
	}
	return {
		pollMs: secondsParameter(ctx, itemIndex, {
			name: 'outcomePollInterval',
			field: 'Poll Interval (Seconds)',
			fallback: OUTCOME_DEFAULT_POLL_SECONDS,
			max: OUTCOME_MAX_WAIT_LIMIT_SECONDS,
		}),
		maxWaitMs: secondsParameter(ctx, itemIndex, {
			name: 'outcomeMaxWait',
			field: 'Max Wait for Outcome (Seconds)',
			fallback: OUTCOME_DEFAULT_MAX_WAIT_SECONDS,
			max: OUTCOME_MAX_WAIT_LIMIT_SECONDS,
		}),
		simplify: ctx.getNodeParameter('simplify', itemIndex, true) as boolean,
	};
}
