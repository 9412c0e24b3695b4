import type { INodeProperties } from 'n8n-workflow';

import { DEFAULT_REPLAY_WINDOW_SECONDS, EVENT_TYPES, MAX_REPLAY_WINDOW_SECONDS } from './event';

const EVENT_LABELS: Record<(typeof EVENT_TYPES)[number], { name: string; description: string }> = {
	'call.busy': { name: 'Call Busy', description: 'The line was busy' },
	'call.completed': {
		name: 'Call Completed',
		description: 'The call connected and ended normally (transcript, results, recording)',
	},
	'call.failed': { name: 'Call Failed', description: 'The call failed during setup' },
	'call.no_answer': { name: 'Call No Answer', description: 'It rang but nobody picked up' },
	'call.socket_failure': {
		name: 'Call Socket Failure',
		description: 'The call connected but the voice stream never started',
	},
	'call.telephony_failed': {
		name: 'Call Telephony Failed',
		description: 'The telephony provider failed after the call started',
	},
	'call.unreachable': {
		name: 'Call Unreachable',
		description: 'The number could not be reached',
	},
};

export const triggerProperties: INodeProperties[] = [
	{
		displayName: 'Authentication',
		name: 'authentication',
		type: 'options',
		options: [
			{
				name: 'Signature (Webhook Secret)',
				value: 'webhookSecret',
				description:
					'Accept only deliveries whose X-FormantAI-Signature matches the Webhook Secret of the target in FormantAI',
			},
			{
				name: 'None (Accept Unsigned Deliveries)',
				value: 'none',
				description: 'Accept any POST to this URL, signed or not. Not recommended.',
			},
		],
		default: 'webhookSecret',
		description: 'How a delivery proves that it comes from FormantAI',
	},
	{
		displayName:
			'Unsigned deliveries are accepted: anyone who learns this URL can start the workflow with any call outcome they make up, and nodes after this one may then place calls or write to your CRM. Prefer Signature (Webhook Secret).',
		name: 'unsignedNotice',
		type: 'notice',
		default: '',
		displayOptions: { show: { authentication: ['none'] } },
	},
	{
		displayName: 'Events',
		name: 'events',
		type: 'multiOptions',
		required: true,
		default: [...EVENT_TYPES],
		description:
			'Which call outcomes start the workflow. Tick the same events on the target in FormantAI; other events are acknowledged and ignored.',
		options: EVENT_TYPES.map((value) => ({ ...EVENT_LABELS[value], value })),
	},
	{
		displayName: 'Simplify',
		name: 'simplify',
		type: 'boolean',
		default: true,
		description:
			'Whether to return one flat item (each result as result_&lt;key&gt;, each call parameter as param_&lt;key&gt;, the transcript as text and as turns) instead of the event exactly as FormantAI sent it',
	},
	{
		displayName: 'Attach Recording',
		name: 'attachRecording',
		type: 'boolean',
		default: false,
		description:
			'Whether to download the call recording (completed calls) into the item as a file, using a FormantAI API credential. It is downloaded in the run, after FormantAI has its answer; if it is not ready within 60 seconds, the event is passed on without it and recording_status says "not_ready".',
	},
	{
		displayName: 'Put Recording in Field',
		name: 'binaryPropertyName',
		type: 'string',
		default: 'data',
		required: true,
		placeholder: 'e.g. data',
		description: 'The binary field of the output item that receives the recording',
		displayOptions: { show: { attachRecording: [true] } },
	},
	{
		displayName: 'Replay Window (Seconds)',
		name: 'replayWindow',
		type: 'number',
		typeOptions: { minValue: 0, maxValue: MAX_REPLAY_WINDOW_SECONDS },
		default: DEFAULT_REPLAY_WINDOW_SECONDS,
		description:
			"Refuse deliveries whose signed timestamp is further than this from now (400), so a captured delivery cannot be replayed after the dedupe memory forgot it. The memory holds the last 10,000 events, so the longest window is 900 s (it covers up to 11 events/s; 600 s covers 16/s). FormantAI's last retry comes about 6 minutes after the event. 0 turns the check off.",
	},
	{
		displayName: 'Filters',
		name: 'filters',
		type: 'collection',
		placeholder: 'Add Filter',
		default: {},
		description:
			'Events that do not match are acknowledged to FormantAI (so it does not retry them) and start nothing',
		options: [
			{
				displayName: 'Agent IDs',
				name: 'agentIds',
				type: 'string',
				default: '',
				placeholder: 'e.g. 497, 512',
				description:
					"Only start for calls by these agents (comma-separated IDs from FormantAI's Agents page)",
			},
			{
				displayName: 'Final Attempt Only',
				name: 'finalAttemptOnly',
				type: 'boolean',
				default: false,
				description:
					"Whether to start only for the last attempt the agent's retry policy makes for a contact (data.retry.is_final_attempt), so each contact gives one outcome. Events without retry information count as final.",
			},
			{
				displayName: 'Result Equals',
				name: 'results',
				type: 'fixedCollection',
				placeholder: 'Add Condition',
				typeOptions: { multipleValues: true },
				default: {},
				description:
					'Only start when every condition matches one of the structured results the agent extracted (compared as text)',
				options: [
					{
						displayName: 'Condition',
						name: 'conditions',
						values: [
							{
								displayName: 'Result Key',
								name: 'key',
								type: 'string',
								default: '',
								placeholder: 'e.g. intent',
								description: 'A key of the results object defined by the agent',
							},
							{
								displayName: 'Value',
								name: 'value',
								type: 'string',
								default: '',
								placeholder: 'e.g. payment_confirmed',
								description: 'The value the result must have',
							},
						],
					},
				],
			},
		],
	},
];
