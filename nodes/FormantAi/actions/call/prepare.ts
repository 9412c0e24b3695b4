import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import { buildCallParameters } from '../../helpers/callParameters';
import { isInWindow, nextWindowOpening } from '../../helpers/callingWindow';
import { conversationIdProblem } from '../../helpers/conversationId';
import { allowedDestinations } from '../../helpers/destinations';
import { automaticIdempotencyKey, executionIdentity, runIndexOf } from '../../helpers/idempotency';
import { agentIdValue } from '../../helpers/locators';
import { normalizePhone } from '../../helpers/phone';
import { parseDateTime, scheduleProblem } from '../../helpers/schedule';
import { optionalText } from '../../helpers/text';
import { isToolMode } from '../../helpers/toolMode';
import { fieldError, jsonObject } from '../../helpers/validation';
import { runtime } from '../../transport';
import { maxCallsValue, planCall } from './maxCalls';
import type { Window } from './safety';
import { applyWindow, callingWindow } from './safety';
import { timeZoneValue } from './timeZone';
import type { OutcomeWait } from './waitForOutcome';
import { readOutcomeWait } from './waitForOutcome';

/** A call checked and built, ready to send; when and whether it rings is decided at sending. */
export interface Call {
	/** The request body without `scheduled_for` (see decideAtSend). */
	body: IDataObject;
	e164: string;
	agentId: number;
	idempotencyKey?: string;
	/** Where the send record keeps this call: its key, or its item's slot when it has none. */
	recordKey: string;
	toolMode: boolean;
	maxWaitMs: number;
	/** Scheduled For, as asked; undefined for Immediately. */
	scheduledMs?: number;
	/** Calling Safety → Calling Window, checked; undefined when none is set. */
	window?: Window;
	/** Calling Safety → Max Calls per Execution (always set as a tool). */
	maxCalls?: number;
	/** Wait for Outcome's settings; undefined when off. */
	outcome?: OutcomeWait;
}

const PHONE_FIX =
	'Write the number with its country code, e.g. +919876543210, or set Options → Default Country Code.';

/** Checks every field of one item and builds its request. Sends nothing. */
export function prepareCall(ctx: IExecuteFunctions, itemIndex: number): Call {
	const agentId = agentIdValue(
		ctx,
		itemIndex,
		"Use the agent's numeric ID from the FormantAI dashboard, e.g. 123.",
	);
	const options = ctx.getNodeParameter('options', itemIndex, {}) as IDataObject;
	const safety = ctx.getNodeParameter('safety', itemIndex, {}) as IDataObject;

	const phone = normalizePhone(
		ctx.getNodeParameter('customerPhone', itemIndex),
		String(options.defaultCountryCode ?? ''),
	);
	if (!phone.ok) throw fieldError(ctx, itemIndex, 'Customer Phone', phone.reason, PHONE_FIX);
	const e164 = phone.e164;

	const toolMode = isToolMode(ctx, itemIndex);
	const allowed = allowedDestinations(ctx, itemIndex, safety.allowedDestinations, toolMode);
	if (allowed && !allowed.allows(e164)) {
		throw fieldError(
			ctx,
			itemIndex,
			'Customer Phone',
			`${e164} is not in Allowed Destinations (${allowed.entries.join(', ')})`,
			'Call a number that matches Calling Safety → Allowed Destinations, or add it there.',
		);
	}

	const object = jsonObject(ctx, itemIndex, 'Parameters From Object', options.parametersObject);
	const rows = ctx.getNodeParameter('callParameters.parameter', itemIndex, []) as IDataObject[];
	const built = buildCallParameters(e164, Array.isArray(rows) ? rows : [], object);
	if (!built.ok) {
		throw fieldError(
			ctx,
			itemIndex,
			'Call Parameters',
			built.reason,
			'Give every parameter a name.',
		);
	}

	const now = runtime.now();
	const scheduledMs = scheduledFor(ctx, itemIndex, now);
	// Checked here; applied when the call is sent (decideAtSend), after any wait.
	const window = callingWindow(ctx, itemIndex, safety);
	const maxCalls = maxCallsValue(ctx, itemIndex, safety, toolMode);

	let conversationId: string | undefined;
	if (optionalText(options.conversationId) !== undefined) {
		const problem = conversationIdProblem(options.conversationId);
		if (problem) throw fieldError(ctx, itemIndex, 'Conversation ID', problem);
		conversationId = String(options.conversationId).trim();
	}

	const collected = jsonObject(ctx, itemIndex, 'Retry Collected Data', options.retryCollectedData);
	const retryContext: IDataObject = {};
	if (collected) retryContext.collected_data = collected as IDataObject;
	const retryFields = {
		retry_initial_message: options.retryInitialMessage,
		retry_language: options.retryLanguage,
		retry_stage_id: options.retryStageId,
	};
	for (const [name, value] of Object.entries(retryFields)) {
		const text = optionalText(value);
		if (text !== undefined) retryContext[name] = text;
	}

	const idempotencyKey = idempotencyKeyFor(ctx, itemIndex, agentId, e164);

	// The window as it stands now, to fail early (before the first call of the run) an item it
	// refuses already, and to refuse Wait for Outcome on a call it would move. Decided at sending.
	if (window?.outside === 'fail') applyWindow(ctx, itemIndex, window, scheduledMs, now);
	const moved =
		window?.outside === 'schedule' && scheduledMs === undefined && !isInWindow(now, window)
			? nextWindowOpening(now, window)
			: undefined;
	const outcome = readOutcomeWait(ctx, itemIndex, scheduledMs ?? moved);

	const body: IDataObject = {
		agent_id: agentId,
		parameters: built.parameters as unknown as IDataObject[],
	};
	if (conversationId) body.conversation_id = conversationId;
	if (idempotencyKey) body.idempotency_key = idempotencyKey;
	const metadata = optionalText(options.metadata);
	if (metadata !== undefined) body.metadata = metadata;
	if (Object.keys(retryContext).length > 0) body.retry_context = retryContext;

	const maxWaitMs = options.waitForFreeSlot
		? Math.max(1, Math.min(3600, Number(options.maxWaitSeconds ?? 300) || 300)) * 1000
		: 0;
	const recordKey =
		idempotencyKey ?? `item:${runIndexOf(ctx, itemIndex)}:${itemIndex}:${agentId}:${e164}`;
	const call: Call = {
		body,
		e164,
		agentId,
		idempotencyKey,
		recordKey,
		toolMode,
		maxWaitMs,
		scheduledMs,
		window,
		maxCalls,
		outcome,
	};
	planCall(ctx, itemIndex, call);
	return call;
}

/** Scheduled For in epoch ms (checked: future, within 30 days), or undefined for Immediately. */
function scheduledFor(ctx: IExecuteFunctions, itemIndex: number, now: number): number | undefined {
	if (ctx.getNodeParameter('schedule', itemIndex, 'immediate') !== 'at') return undefined;
	const zone = timeZoneValue(
		ctx,
		itemIndex,
		'Time Zone',
		ctx.getNodeParameter('timeZone', itemIndex, ''),
	);
	const parsed = parseDateTime(ctx.getNodeParameter('scheduledFor', itemIndex, ''), zone);
	if (!parsed.ok) {
		throw fieldError(
			ctx,
			itemIndex,
			'Scheduled For',
			parsed.reason,
			'Pick a date and time, e.g. 2026-04-08T14:00:00.',
		);
	}
	const problem = scheduleProblem(parsed.ms, now);
	if (problem) {
		throw fieldError(
			ctx,
			itemIndex,
			'Scheduled For',
			problem,
			'FormantAI schedules calls from now up to 30 days ahead.',
		);
	}
	return parsed.ms;
}

/** The idempotency key of Automatic, Custom or None (the one place a call's key is decided). */
function idempotencyKeyFor(
	ctx: IExecuteFunctions,
	itemIndex: number,
	agentId: number,
	e164: string,
): string | undefined {
	const mode = ctx.getNodeParameter('idempotencyKeyMode', itemIndex, 'automatic') as string;
	if (mode === 'custom') {
		const key = optionalText(ctx.getNodeParameter('idempotencyKey', itemIndex, ''))?.trim();
		if (key === undefined) {
			throw fieldError(
				ctx,
				itemIndex,
				'Custom Key',
				'is empty, so duplicate calls could not be recognised',
				'Set a key for this call (e.g. an invoice ID), or choose Idempotency Key → Automatic.',
			);
		}
		return key;
	}
	if (mode === 'automatic') {
		const node = ctx.getNode();
		return automaticIdempotencyKey({
			execution: executionIdentity(ctx),
			nodeId: node.id || node.name,
			runIndex: runIndexOf(ctx, itemIndex),
			itemIndex,
			agentId,
			phone: e164,
		});
	}
	if (mode === 'none') return undefined;
	throw fieldError(ctx, itemIndex, 'Idempotency Key', `"${mode}" is not automatic, custom or none`);
}
