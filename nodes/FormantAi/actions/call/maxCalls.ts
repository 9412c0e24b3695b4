import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { callsSent, sentCall } from '../../helpers/sendRecord';
import { fieldError } from '../../helpers/validation';

/** The limit when an AI agent uses the node as a tool and none is set: a loop stops early. */
export const TOOL_DEFAULT_MAX_CALLS = 3;

export const maxCallsOption: INodeProperties = {
	displayName: 'Max Calls per Execution',
	name: 'maxCallsPerExecution',
	type: 'number',
	typeOptions: { minValue: 1, numberPrecision: 0 },
	default: TOOL_DEFAULT_MAX_CALLS,
	description: `The most calls this node places in one execution, counting every item and every time an AI agent uses it as a tool; further calls are refused and not placed. When an AI agent uses this node as a tool, a limit always applies: ${TOOL_DEFAULT_MAX_CALLS} unless set here.`,
};

/** Max Calls per Execution, checked; undefined when there is no limit. */
export function maxCallsValue(
	ctx: IExecuteFunctions,
	itemIndex: number,
	safety: IDataObject,
	toolMode: boolean,
): number | undefined {
	const raw = safety.maxCallsPerExecution;
	if (raw === undefined || raw === null || raw === '') {
		return toolMode ? TOOL_DEFAULT_MAX_CALLS : undefined;
	}
	const value = Number(raw);
	if (!Number.isInteger(value) || value < 1) {
		throw fieldError(
			ctx,
			itemIndex,
			'Max Calls per Execution',
			`${JSON.stringify(raw)} is not a whole number of 1 or more`,
		);
	}
	return value;
}

interface Limited {
	maxCalls?: number;
	recordKey: string;
	toolMode: boolean;
}

function refusal(count: number, limit: number): string {
	return `this node already placed ${count} call${count === 1 ? '' : 's'} in this execution and Max Calls per Execution is ${limit}, so no call was placed`;
}

const FIX =
	'Raise Calling Safety → Max Calls per Execution, or place the remaining calls in another execution.';

// Calls the items of the current run will place, counted while they are prepared.
const planned = new WeakMap<object, number>();

/**
 * Before the first call of a run (not as a tool): an item that would go over the limit fails
 * here, so the run does not stop half-way with some items called. Calls the send record already
 * holds (an earlier try of this execution) do not count again.
 */
export function planCall(ctx: IExecuteFunctions, itemIndex: number, call: Limited): void {
	if (call.maxCalls === undefined || call.toolMode || sentCall(ctx, call.recordKey)) return;
	const before = callsSent(ctx) + (planned.get(ctx) ?? 0);
	if (before >= call.maxCalls) {
		throw fieldError(
			ctx,
			itemIndex,
			'Max Calls per Execution',
			refusal(before, call.maxCalls),
			FIX,
		);
	}
	planned.set(ctx, (planned.get(ctx) ?? 0) + 1);
}

/**
 * Just before a call is sent: undefined when it may go, else the refusal. As a tool the refusal
 * is the tool's answer (an item the model reads, not an error that stops the agent); otherwise
 * the item fails. A call already in the send record is a resend, not a new call.
 */
export function overLimit(
	ctx: IExecuteFunctions,
	itemIndex: number,
	call: Limited,
): IDataObject | undefined {
	if (call.maxCalls === undefined || sentCall(ctx, call.recordKey)) return undefined;
	const count = callsSent(ctx);
	if (count < call.maxCalls) return undefined;
	if (!call.toolMode) {
		throw fieldError(ctx, itemIndex, 'Max Calls per Execution', refusal(count, call.maxCalls), FIX);
	}
	return {
		status: 'refused',
		refused: true,
		max_calls_per_execution: call.maxCalls,
		calls_placed: count,
		message: `Refused: ${refusal(count, call.maxCalls)}. Do not try again in this conversation; tell the user the call limit was reached.`,
	};
}
