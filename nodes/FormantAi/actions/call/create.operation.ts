import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
	JsonObject,
} from 'n8n-workflow';
import { NodeApiError, NodeOperationError, updateDisplayOptions } from 'n8n-workflow';

import { buildCallParameters } from '../../helpers/callParameters';
import type { CallingWindow } from '../../helpers/callingWindow';
import {
	describeWindow,
	isInWindow,
	nextWindowOpening,
	parseClock,
	parseDays,
} from '../../helpers/callingWindow';
import { conversationIdProblem } from '../../helpers/conversationId';
import { isAllowedDestination, parseDestinations } from '../../helpers/destinations';
import { automaticIdempotencyKey, runIndexOf } from '../../helpers/idempotency';
import { normalizePhone } from '../../helpers/phone';
import { isValidTimeZone, parseDateTime, scheduleProblem, toIsoUtc } from '../../helpers/schedule';
import { isToolMode } from '../../helpers/toolMode';
import { fieldError, jsonObject, positiveInteger } from '../../helpers/validation';
import { formantAiRequestFull, isFormantAiError, runtime } from '../../transport';

const properties: INodeProperties[] = [
	{
		displayName: 'Agent ID',
		name: 'agentId',
		type: 'number',
		required: true,
		default: 0,
		placeholder: 'e.g. 123',
		description:
			"Numeric ID of the FormantAI agent that makes the call, from the agent's page in the FormantAI dashboard (there is no API to list agents)",
	},
	{
		displayName: 'Customer Phone',
		name: 'customerPhone',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'e.g. +919876543210',
		description:
			'Number to call. Spaces, dashes, dots and brackets are fine (e.g. "+91 98765-43210"); it is sent in E.164 form (+ and country code). A number without + or 00 needs the Default Country Code option. Anything that is not a phone number is refused before a call is placed.',
	},
	{
		displayName: 'Call Parameters',
		name: 'callParameters',
		type: 'fixedCollection',
		typeOptions: { multipleValues: true },
		default: {},
		placeholder: 'Add Parameter',
		description:
			"Values the agent's prompt, tools and webhooks can use, e.g. customer_name. Sent as text (numbers and booleans as text, objects as JSON). customer_phone is always the Customer Phone above: a row named customer_phone is ignored.",
		options: [
			{
				name: 'parameter',
				displayName: 'Parameter',
				values: [
					{
						displayName: 'Name',
						name: 'name',
						type: 'string',
						default: '',
						placeholder: 'e.g. customer_name',
					},
					{
						displayName: 'Value',
						name: 'value',
						type: 'string',
						default: '',
						placeholder: 'e.g. Rahul',
					},
				],
			},
		],
	},
	{
		displayName: 'Schedule',
		name: 'schedule',
		type: 'options',
		default: 'immediate',
		description: 'When FormantAI should dial',
		options: [
			{
				name: 'At a Date and Time',
				value: 'at',
				description: 'At a time within the next 30 days',
			},
			{ name: 'Immediately', value: 'immediate', description: 'Dial now' },
		],
	},
	{
		displayName: 'Scheduled For',
		name: 'scheduledFor',
		type: 'dateTime',
		required: true,
		default: '',
		placeholder: 'e.g. 2026-04-08T14:00:00',
		description:
			'When to dial: in the future and at most 30 days ahead. A time without a UTC offset is read in the Time Zone below. Sent to FormantAI in UTC.',
		displayOptions: { show: { schedule: ['at'] } },
	},
	{
		displayName: 'Time Zone',
		name: 'timeZone',
		type: 'string',
		default: '',
		placeholder: 'e.g. Asia/Kolkata',
		description:
			"IANA time zone of Scheduled For when it has no UTC offset. Empty means the workflow's time zone.",
		displayOptions: { show: { schedule: ['at'] } },
	},
	{
		displayName: 'Idempotency Key',
		name: 'idempotencyKeyMode',
		type: 'options',
		default: 'automatic',
		description:
			'Protects against placing the same call twice. FormantAI refuses a second call with the same key for 24 hours; the node then outputs duplicate: true instead of failing.',
		options: [
			{
				name: 'Automatic',
				value: 'automatic',
				description:
					"Same key for the same execution, node and item: retries (the node's own and n8n's Retry On Fail) never dial twice; a new execution calls again",
			},
			{
				name: 'Custom',
				value: 'custom',
				description:
					'Your own key, e.g. an invoice ID: one call per key per agent within 24 hours, across executions',
			},
			{
				name: 'None',
				value: 'none',
				description:
					'No key. Nothing is retried, since a retry could dial twice; use only when duplicates are handled elsewhere.',
			},
		],
	},
	{
		displayName: 'Custom Key',
		name: 'idempotencyKey',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'e.g. invoice-INV-2026-0042',
		description:
			'Key that identifies this call, e.g. an expression that returns the invoice ID. A key already used with this agent in the last 24 hours places no call.',
		displayOptions: { show: { idempotencyKeyMode: ['custom'] } },
	},
	{
		displayName: 'Calling Safety',
		name: 'safety',
		type: 'collection',
		placeholder: 'Add Safety Rule',
		default: {},
		options: [
			{
				displayName: 'Allowed Destinations',
				name: 'allowedDestinations',
				type: 'string',
				default: '',
				placeholder: 'e.g. +91, +1415*',
				description:
					'Comma-separated country codes or number patterns the node may dial (* = any digits, ? = one digit); other numbers are refused before a call is placed. Required when an AI agent uses this node as a tool: without it the node refuses to dial.',
			},
			{
				displayName: 'Calling Window',
				name: 'callingWindow',
				type: 'fixedCollection',
				default: {},
				placeholder: 'Set Calling Window',
				description: 'Days and hours when calls may ring, in a time zone',
				options: [
					{
						name: 'window',
						displayName: 'Window',
						values: [
							{
								displayName: 'Days',
								name: 'days',
								type: 'multiOptions',
								default: ['monday', 'tuesday', 'wednesday', 'thursday', 'friday'],
								description: 'Days on which the window opens. None selected means every day.',
								options: [
									{ name: 'Friday', value: 'friday' },
									{ name: 'Monday', value: 'monday' },
									{ name: 'Saturday', value: 'saturday' },
									{ name: 'Sunday', value: 'sunday' },
									{ name: 'Thursday', value: 'thursday' },
									{ name: 'Tuesday', value: 'tuesday' },
									{ name: 'Wednesday', value: 'wednesday' },
								],
							},
							{
								displayName: 'From',
								name: 'start',
								type: 'string',
								default: '09:00',
								placeholder: 'e.g. 09:00',
								description: 'Opening time, 24-hour HH:MM',
							},
							{
								displayName: 'Outside the Window',
								name: 'outside',
								type: 'options',
								default: 'fail',
								description:
									'What to do when the call would ring outside the window (checked against Scheduled For when scheduling)',
								options: [
									{
										name: 'Fail',
										value: 'fail',
										description: 'Stop with an error; no call is placed',
									},
									{
										name: 'Schedule for Next Opening',
										value: 'schedule',
										description: 'Schedule the call for the moment the window next opens',
									},
									{
										name: 'Skip',
										value: 'skip',
										description:
											'Output an item saying the call was skipped and why; no call is placed',
									},
								],
							},
							{
								displayName: 'Time Zone',
								name: 'timeZone',
								type: 'string',
								default: '',
								placeholder: 'e.g. Asia/Kolkata',
								description:
									"IANA time zone of the window (the callee's, usually). Empty means the workflow's time zone.",
							},
							{
								displayName: 'Until',
								name: 'end',
								type: 'string',
								default: '18:00',
								placeholder: 'e.g. 18:00',
								description:
									'Closing time, 24-hour HH:MM (not included). Earlier than From means the window runs past midnight.',
							},
						],
					},
				],
			},
		],
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [
			{
				displayName: 'Conversation ID',
				name: 'conversationId',
				type: 'string',
				default: '',
				placeholder: 'e.g. a3f47b9e-8c2d-4f1a-9b7e-2d5f3c6a7b8e',
				description:
					'Attach this call to an existing conversation chain (a follow-up or resumed attempt)',
			},
			{
				displayName: 'Default Country Code',
				name: 'defaultCountryCode',
				type: 'string',
				default: '',
				placeholder: 'e.g. +1',
				description:
					'Country code for numbers typed without + or 00, e.g. "(415) 555-2671" with +1. A leading 0 of a national number is dropped.',
			},
			{
				displayName: 'Max Wait for Free Slot (Seconds)',
				name: 'maxWaitSeconds',
				type: 'number',
				typeOptions: { minValue: 1, maxValue: 3600 },
				default: 300,
				description: 'How long Wait for Free Slot may wait in total before failing',
			},
			{
				displayName: 'Metadata',
				name: 'metadata',
				type: 'string',
				default: '',
				placeholder: 'e.g. crm-lead-8812',
				description:
					'Opaque text FormantAI passes through for later workflows. An object from an expression is sent as JSON.',
			},
			{
				displayName: 'Parameters From Object',
				name: 'parametersObject',
				type: 'json',
				default: '',
				placeholder: 'e.g. {{ $json }}',
				description:
					'An object whose fields become call parameters, e.g. an expression that returns the fields of the incoming item. Call Parameters rows win over fields of the same name; customer_phone is always the Customer Phone.',
			},
			{
				displayName: 'Retry Collected Data',
				name: 'retryCollectedData',
				type: 'json',
				default: '',
				placeholder: 'e.g. { "customer_name": "Rahul", "intent": "payment_follow_up" }',
				description: 'Retry context: data gathered in an earlier attempt, as a JSON object',
			},
			{
				displayName: 'Retry Initial Message',
				name: 'retryInitialMessage',
				type: 'string',
				default: '',
				placeholder: 'e.g. Hi Rahul, we spoke earlier about your payment.',
				description: 'Retry context: the opening line of this follow-up call',
			},
			{
				displayName: 'Retry Language',
				name: 'retryLanguage',
				type: 'string',
				default: '',
				placeholder: 'e.g. hi-IN',
				description: 'Retry context: language code for the follow-up call',
			},
			{
				displayName: 'Retry Stage ID',
				name: 'retryStageId',
				type: 'string',
				default: '',
				placeholder: 'e.g. stage_follow_up',
				description: 'Retry context: conversation stage to resume at',
			},
			{
				displayName: 'Wait for Free Slot',
				name: 'waitForFreeSlot',
				type: 'boolean',
				default: false,
				description:
					"Whether to wait and try again when the workspace's limit of simultaneous calls is reached, up to Max Wait for Free Slot; otherwise the node fails saying how many calls are live",
			},
		],
	},
];

export const description = updateDisplayOptions(
	{ show: { resource: ['call'], operation: ['create'] } },
	properties,
);

const PHONE_FIX =
	'Write the number with its country code, e.g. +919876543210, or set Options → Default Country Code.';

function workflowTimeZone(ctx: IExecuteFunctions): string {
	const zone = ctx.getTimezone() as unknown;
	return isValidTimeZone(zone) ? zone : 'UTC';
}

function timeZoneValue(
	ctx: IExecuteFunctions,
	itemIndex: number,
	field: string,
	value: unknown,
): string {
	const zone = typeof value === 'string' ? value.trim() : '';
	if (zone === '') return workflowTimeZone(ctx);
	if (!isValidTimeZone(zone)) {
		throw fieldError(
			ctx,
			itemIndex,
			field,
			`"${zone}" is not a known IANA time zone`,
			'Use a name such as Asia/Kolkata, Europe/London or America/New_York, or leave it empty for the workflow time zone.',
		);
	}
	return zone;
}

function callingWindow(
	ctx: IExecuteFunctions,
	itemIndex: number,
	raw: IDataObject | undefined,
): (CallingWindow & { outside: string }) | undefined {
	if (!raw) return undefined;
	const days = parseDays(raw.days);
	if (!days) {
		throw fieldError(
			ctx,
			itemIndex,
			'Calling Window Days',
			`${JSON.stringify(raw.days)} are not all day names`,
		);
	}
	const clockFix = 'Write a 24-hour time such as 09:00 or 18:30.';
	const startMinute = parseClock(raw.start ?? '09:00');
	if (startMinute === undefined || startMinute === 24 * 60) {
		throw fieldError(
			ctx,
			itemIndex,
			'Calling Window From',
			`"${String(raw.start)}" is not a time of day`,
			clockFix,
		);
	}
	const endMinute = parseClock(raw.end ?? '18:00');
	if (endMinute === undefined) {
		throw fieldError(
			ctx,
			itemIndex,
			'Calling Window Until',
			`"${String(raw.end)}" is not a time of day`,
			clockFix,
		);
	}
	if (endMinute === startMinute) {
		throw fieldError(
			ctx,
			itemIndex,
			'Calling Window Until',
			'is the same as From, so the window never opens',
		);
	}
	const outside = String(raw.outside ?? 'fail');
	if (!['fail', 'schedule', 'skip'].includes(outside)) {
		throw fieldError(
			ctx,
			itemIndex,
			'Calling Window Outside the Window',
			`"${outside}" is not fail, schedule or skip`,
		);
	}
	const timeZone = timeZoneValue(ctx, itemIndex, 'Calling Window Time Zone', raw.timeZone);
	return { days, startMinute, endMinute, timeZone, outside };
}

function retryAfterOf(error: unknown): number | undefined {
	const response = (error as NodeApiError).errorResponse as JsonObject | undefined;
	const value = response?.retry_after_ms;
	return typeof value === 'number' ? value : undefined;
}

export async function execute(
	this: IExecuteFunctions,
	itemIndex: number,
): Promise<INodeExecutionData[]> {
	// Everything is checked before anything is sent: a bad item never reaches FormantAI.
	const agentId = positiveInteger(
		this,
		itemIndex,
		'Agent ID',
		this.getNodeParameter('agentId', itemIndex),
		"Use the agent's numeric ID from the FormantAI dashboard, e.g. 123.",
	);
	const options = this.getNodeParameter('options', itemIndex, {}) as IDataObject;
	const safety = this.getNodeParameter('safety', itemIndex, {}) as IDataObject;

	const phone = normalizePhone(
		this.getNodeParameter('customerPhone', itemIndex),
		String(options.defaultCountryCode ?? ''),
	);
	if (!phone.ok) throw fieldError(this, itemIndex, 'Customer Phone', phone.reason, PHONE_FIX);
	const e164 = phone.e164;

	const destinations = parseDestinations(safety.allowedDestinations);
	if (!destinations.ok) {
		throw fieldError(this, itemIndex, 'Allowed Destinations', destinations.reason);
	}
	const toolMode = isToolMode(this, itemIndex);
	if (toolMode && destinations.patterns.length === 0) {
		throw fieldError(
			this,
			itemIndex,
			'Allowed Destinations',
			'is empty, and an AI agent may not dial without it',
			'Under Calling Safety, list the country codes or numbers the agent may call, e.g. +91 or +14155552671.',
		);
	}
	if (destinations.patterns.length > 0 && !isAllowedDestination(e164, destinations.patterns)) {
		throw fieldError(
			this,
			itemIndex,
			'Customer Phone',
			`${e164} is not in Allowed Destinations (${destinations.entries.join(', ')})`,
			'Call a number that matches Calling Safety → Allowed Destinations, or add it there.',
		);
	}

	const object = jsonObject(this, itemIndex, 'Parameters From Object', options.parametersObject);
	const rows = this.getNodeParameter('callParameters.parameter', itemIndex, []) as IDataObject[];
	const built = buildCallParameters(e164, Array.isArray(rows) ? rows : [], object);
	if (!built.ok) {
		throw fieldError(
			this,
			itemIndex,
			'Call Parameters',
			built.reason,
			'Give every parameter a name.',
		);
	}

	const now = runtime.now();
	let scheduledMs: number | undefined;
	if (this.getNodeParameter('schedule', itemIndex, 'immediate') === 'at') {
		const zone = timeZoneValue(
			this,
			itemIndex,
			'Time Zone',
			this.getNodeParameter('timeZone', itemIndex, ''),
		);
		const parsed = parseDateTime(this.getNodeParameter('scheduledFor', itemIndex, ''), zone);
		if (!parsed.ok) {
			throw fieldError(
				this,
				itemIndex,
				'Scheduled For',
				parsed.reason,
				'Pick a date and time, e.g. 2026-04-08T14:00:00.',
			);
		}
		const problem = scheduleProblem(parsed.ms, now);
		if (problem) {
			throw fieldError(
				this,
				itemIndex,
				'Scheduled For',
				problem,
				'FormantAI schedules calls from now up to 30 days ahead.',
			);
		}
		scheduledMs = parsed.ms;
	}

	const windowParameter = (safety.callingWindow as IDataObject | undefined)?.window as
		| IDataObject
		| undefined;
	const window = callingWindow(this, itemIndex, windowParameter);

	let conversationId: string | undefined;
	if (options.conversationId !== undefined && String(options.conversationId).trim() !== '') {
		const problem = conversationIdProblem(options.conversationId);
		if (problem) throw fieldError(this, itemIndex, 'Conversation ID', problem);
		conversationId = String(options.conversationId).trim();
	}

	let metadata: string | undefined;
	if (options.metadata !== undefined && options.metadata !== null && options.metadata !== '') {
		metadata =
			typeof options.metadata === 'string' ? options.metadata : JSON.stringify(options.metadata);
	}

	const collected = jsonObject(this, itemIndex, 'Retry Collected Data', options.retryCollectedData);
	const retryText = (value: unknown) =>
		value === undefined || value === null || String(value).trim() === ''
			? undefined
			: String(value);
	const retryContext: IDataObject = {};
	if (collected) retryContext.collected_data = collected as IDataObject;
	if (retryText(options.retryInitialMessage))
		retryContext.retry_initial_message = retryText(options.retryInitialMessage);
	if (retryText(options.retryLanguage))
		retryContext.retry_language = retryText(options.retryLanguage);
	if (retryText(options.retryStageId))
		retryContext.retry_stage_id = retryText(options.retryStageId);

	let idempotencyKey: string | undefined;
	const mode = this.getNodeParameter('idempotencyKeyMode', itemIndex, 'automatic') as string;
	if (mode === 'custom') {
		const raw = this.getNodeParameter('idempotencyKey', itemIndex, '') as unknown;
		const key = raw === undefined || raw === null ? '' : String(raw).trim();
		if (key === '') {
			throw fieldError(
				this,
				itemIndex,
				'Custom Key',
				'is empty, so duplicate calls could not be recognised',
				'Set a key for this call (e.g. an invoice ID), or choose Idempotency Key → Automatic.',
			);
		}
		idempotencyKey = key;
	} else if (mode === 'automatic') {
		const node = this.getNode();
		idempotencyKey = automaticIdempotencyKey({
			executionId: String(this.getExecutionId() ?? ''),
			nodeId: node.id || node.name,
			runIndex: runIndexOf(this, itemIndex),
			itemIndex,
			agentId,
			phone: e164,
		});
	} else if (mode !== 'none') {
		throw fieldError(
			this,
			itemIndex,
			'Idempotency Key',
			`"${mode}" is not automatic, custom or none`,
		);
	}

	if (window) {
		const at = scheduledMs ?? now;
		if (!isInWindow(at, window)) {
			const when = scheduledMs === undefined ? `Now (${toIsoUtc(now)})` : `${toIsoUtc(at)}`;
			const next = nextWindowOpening(at, window);
			const reason = `${when} is outside the calling window ${describeWindow(window)}`;
			if (window.outside === 'skip') {
				const json: IDataObject = {
					status: 'skipped',
					skipped: true,
					reason,
					customer_phone: e164,
					agent_id: agentId,
					next_window_opens_at: next === undefined ? null : toIsoUtc(next),
				};
				return [{ json }];
			}
			if (window.outside === 'schedule' && next !== undefined) {
				const problem = scheduleProblem(next, now);
				if (problem) {
					throw fieldError(this, itemIndex, 'Calling Window', `the next opening ${problem}`);
				}
				scheduledMs = next;
			} else {
				throw fieldError(
					this,
					itemIndex,
					'Calling Window',
					`${reason}; no call was placed`,
					next === undefined
						? 'Check the window days and hours.'
						: `The window next opens at ${toIsoUtc(next)}. Choose Outside the Window → Schedule for Next Opening or Skip to handle this without failing.`,
				);
			}
		}
	}

	const body: IDataObject = {
		agent_id: agentId,
		parameters: built.parameters as unknown as IDataObject[],
	};
	if (conversationId) body.conversation_id = conversationId;
	if (idempotencyKey) body.idempotency_key = idempotencyKey;
	if (metadata !== undefined) body.metadata = metadata;
	if (Object.keys(retryContext).length > 0) body.retry_context = retryContext;
	if (scheduledMs !== undefined) body.scheduled_for = toIsoUtc(scheduledMs);

	const maxWaitMs = options.waitForFreeSlot
		? Math.max(1, Math.min(3600, Number(options.maxWaitSeconds ?? 300) || 300)) * 1000
		: 0;
	const signal = this.getExecutionCancelSignal?.();
	const started = runtime.now();
	for (;;) {
		try {
			const response = await formantAiRequestFull.call(this, {
				method: 'POST',
				path: '/v1/call',
				body,
				itemIndex,
			});
			const data = ((response.body as IDataObject)?.data ?? {}) as IDataObject;
			const json: IDataObject = {
				...data,
				customer_phone: e164,
				idempotency_key: idempotencyKey ?? null,
			};
			// An agent reading the tool's answer needs the outcome, not the echo of its own input.
			if (toolMode) delete json.retry_context;
			return [{ json }];
		} catch (error) {
			if (idempotencyKey && isFormantAiError(error, 'duplicate_request')) {
				const attempts = ((error as NodeApiError).context?.formantAi as IDataObject | undefined)
					?.attempts;
				const json: IDataObject = {
					status: 'duplicate',
					duplicate: true,
					message:
						typeof attempts === 'number' && attempts > 1
							? 'FormantAI had already accepted this call (an earlier attempt reached it but its answer was lost); no second call was placed.'
							: 'FormantAI already accepted a call with this idempotency key in the last 24 hours; no second call was placed.',
					idempotency_key: idempotencyKey,
					customer_phone: e164,
					agent_id: agentId,
				};
				return [{ json }];
			}
			if (maxWaitMs > 0 && isFormantAiError(error, 'concurrent_call_limit_exceeded')) {
				const elapsed = runtime.now() - started;
				const delay = Math.max(1_000, Math.min(60_000, retryAfterOf(error) ?? 5_000));
				if (elapsed + delay <= maxWaitMs && !signal?.aborted) {
					await runtime.sleep(delay, signal);
					continue;
				}
				const apiError = error as NodeApiError;
				apiError.description =
					`${apiError.description ?? ''} (Waited ${Math.round(elapsed / 1000)} s for a free slot; Max Wait for Free Slot is ${Math.round(maxWaitMs / 1000)} s.)`.trim();
			}
			// Both constructors hand back an n8n error as it is (FormantAI's message, hint, item).
			if (error instanceof NodeOperationError) throw new NodeOperationError(this.getNode(), error);
			throw new NodeApiError(this.getNode(), error as JsonObject, { itemIndex });
		}
	}
}
