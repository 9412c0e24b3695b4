import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

/**
 * What this node sent to FormantAI in this execution, kept in the node's execution context
 * (`getContext('node')`) rather than in process memory. n8n saves that context with the execution
 * and a Retry of the failed execution starts from it, on whichever worker runs the Retry and after
 * a restart; a new execution starts with an empty one. Only plain JSON goes in (it is stored in
 * n8n's database), and only what a Retry needs: keys and FormantAI's short answers.
 */

/** A call the node sent: `sending` until FormantAI's answer arrives (it may have been placed). */
export interface SentCall {
	state: 'sending' | 'placed';
	trace_id?: string | null;
	conversation_id?: string | null;
	status?: string | null;
	scheduled_for?: string | null;
}

/** A campaign upload: `sending` until FormantAI's answer arrives, then the campaign it created. */
export type SentCampaign =
	| { state: 'sending'; name: string }
	| { state: 'created'; batch: IDataObject };

const CALLS = 'formantAiCalls';
const CAMPAIGNS = 'formantAiCampaigns';

function table<T>(ctx: IExecuteFunctions, name: string): Record<string, T> {
	const context = ctx.getContext('node');
	const known = context[name] as Record<string, T> | undefined;
	if (known && typeof known === 'object') return known;
	const created: Record<string, T> = {};
	context[name] = created;
	return created;
}

const text = (value: unknown): string | null => (typeof value === 'string' ? value : null);

/** The call sent under this key (idempotency key, or the item's slot when there is none). */
export function sentCall(ctx: IExecuteFunctions, key: string): SentCall | undefined {
	return table<SentCall>(ctx, CALLS)[key];
}

/** Written before the request leaves: from then on the call may ring and counts as sent. */
export function recordCallSending(ctx: IExecuteFunctions, key: string): void {
	const calls = table<SentCall>(ctx, CALLS);
	if (!calls[key]) calls[key] = { state: 'sending' };
}

/** FormantAI accepted the call: what a Retry or a `duplicate` answer will tell about it. */
export function recordCallPlaced(ctx: IExecuteFunctions, key: string, answer: IDataObject): void {
	table<SentCall>(ctx, CALLS)[key] = {
		state: 'placed',
		trace_id: text(answer.trace_id),
		conversation_id: text(answer.conversation_id),
		status: text(answer.status),
		scheduled_for: text(answer.scheduled_for),
	};
}

/** FormantAI refused the call (a 4xx other than a duplicate): nothing rang, nothing to remember. */
export function forgetCall(ctx: IExecuteFunctions, key: string): void {
	delete table<SentCall>(ctx, CALLS)[key];
}

/** Calls this node sent in this execution, over all its runs (loops, AI agent tool invocations). */
export function callsSent(ctx: IExecuteFunctions): number {
	return Object.keys(table<SentCall>(ctx, CALLS)).length;
}

export function sentCampaign(ctx: IExecuteFunctions, key: string): SentCampaign | undefined {
	return table<SentCampaign>(ctx, CAMPAIGNS)[key];
}

export function recordCampaignSending(ctx: IExecuteFunctions, key: string, name: string): void {
	table<SentCampaign>(ctx, CAMPAIGNS)[key] = { state: 'sending', name };
}

export function recordCampaignCreated(
	ctx: IExecuteFunctions,
	key: string,
	batch: IDataObject,
): void {
	table<SentCampaign>(ctx, CAMPAIGNS)[key] = { state: 'created', batch };
}

export function forgetCampaign(ctx: IExecuteFunctions, key: string): void {
	delete table<SentCampaign>(ctx, CAMPAIGNS)[key];
}
