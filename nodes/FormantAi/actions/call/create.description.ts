import type { INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { defaultCountryCodeOption, timeZoneField } from '../../helpers/fields';
import { agentIdFields } from '../../helpers/locators';
import {
	OUTCOME_DEFAULT_MAX_WAIT_SECONDS,
	OUTCOME_DEFAULT_POLL_SECONDS,
	OUTCOME_MAX_WAIT_LIMIT_SECONDS,
} from '../../helpers/assumptions';
import { safetyField } from './safety';

const properties: INodeProperties[] = [
	...agentIdFields('The FormantAI agent that makes the call'),
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
	timeZoneField('Scheduled For when it has no UTC offset', {
		displayOptions: { show: { schedule: ['at'] } },
	}),
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
					"Same key for the same execution, node and item: retries (the node's own, Retry On Fail, and Retry of a failed execution from the executions list) never dial twice; a new execution calls again",
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
	safetyField,
	{
		displayName: 'Wait for Outcome',
		name: 'waitForOutcome',
		type: 'boolean',
		default: false,
		description:
			'Whether to wait until the call ends and output its outcome (status, duration, results, transcript) instead of the accepted call. The n8n worker is held while waiting: for long calls or many items use the FormantAI Trigger instead. Not for scheduled calls.',
	},
	{
		displayName: 'Poll Interval (Seconds)',
		name: 'outcomePollInterval',
		type: 'number',
		typeOptions: { minValue: 1, maxValue: OUTCOME_MAX_WAIT_LIMIT_SECONDS },
		default: OUTCOME_DEFAULT_POLL_SECONDS,
		description:
			'Wait before the first check of the call; each next wait is 1.5 times longer, up to 60 seconds (or this interval if longer)',
		displayOptions: { show: { waitForOutcome: [true] } },
	},
	{
		displayName: 'Max Wait for Outcome (Seconds)',
		name: 'outcomeMaxWait',
		type: 'number',
		typeOptions: { minValue: 1, maxValue: OUTCOME_MAX_WAIT_LIMIT_SECONDS },
		default: OUTCOME_DEFAULT_MAX_WAIT_SECONDS,
		description:
			'How long to wait in total. When it runs out the call is output with timed_out set to true and its last known status (it is not placed again).',
		displayOptions: { show: { waitForOutcome: [true] } },
	},
	{
		displayName: 'Simplify',
		name: 'simplify',
		type: 'boolean',
		default: true,
		description:
			'Whether to output the outcome like Conversation → Get with Simplify: ISO start/end times, each result as its own result_… field, and the transcript as text, instead of the raw API record',
		displayOptions: { show: { waitForOutcome: [true] } },
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
			defaultCountryCodeOption,
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
