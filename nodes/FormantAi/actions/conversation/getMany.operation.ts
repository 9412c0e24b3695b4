import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
} from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { CONVERSATION_LIST_SLACK_MS } from '../../helpers/assumptions';
import { conversationTimeMs, simplifyConversation } from '../../helpers/simplify';
import { isValidTimeZone, parseDateTime } from '../../helpers/schedule';
import { returnAllAndLimit, requestedLimit } from '../../helpers/getMany';
import { agentFilterFields, agentFilterValue } from '../../helpers/locators';
import { fieldError } from '../../helpers/validation';
import { paginate } from '../../transport';

export const CONVERSATION_STATUSES = [
	'busy',
	'completed',
	'failed',
	'no_answer',
	'socket_failure',
	'telephony_failed',
	'unreachable',
] as const;

const properties: INodeProperties[] = [
	...returnAllAndLimit,
	{
		displayName: 'Filters',
		name: 'filters',
		type: 'collection',
		placeholder: 'Add Filter',
		default: {},
		options: [
			...agentFilterFields('Only conversations of this agent (filtered by FormantAI)'),
			{
				displayName: 'Ended After',
				name: 'endedAfter',
				type: 'dateTime',
				default: '',
				description:
					"Only conversations that ended at or after this time (calls still running are left out). Applied by the node to every conversation it reads (FormantAI has no such filter); reading stops a few hours before this time, the list being newest first. A time without a UTC offset is in the workflow's time zone.",
			},
			{
				displayName: 'Ended Before',
				name: 'endedBefore',
				type: 'dateTime',
				default: '',
				description:
					"Only conversations that ended before this time (calls still running are left out). Applied by the node after fetching (FormantAI has no such filter). A time without a UTC offset is in the workflow's time zone.",
			},
			{
				displayName: 'Started After',
				name: 'startedAfter',
				type: 'dateTime',
				default: '',
				description:
					"Only conversations that started at or after this time. Applied by the node to every conversation it reads (FormantAI has no such filter); reading stops a few hours before this time, the list being newest first. A time without a UTC offset is in the workflow's time zone.",
			},
			{
				displayName: 'Started Before',
				name: 'startedBefore',
				type: 'dateTime',
				default: '',
				description:
					"Only conversations that started before this time. Applied by the node after fetching (FormantAI has no such filter), so the newest pages are read too. A time without a UTC offset is in the workflow's time zone.",
			},
			{
				displayName: 'Status',
				name: 'status',
				type: 'multiOptions',
				default: [],
				description:
					'Only conversations with one of these outcomes. Applied by the node after fetching (FormantAI has no such filter), so every page is read.',
				options: [
					{ name: 'Busy', value: 'busy' },
					{ name: 'Completed', value: 'completed' },
					{ name: 'Failed', value: 'failed' },
					{ name: 'No Answer', value: 'no_answer' },
					{ name: 'Socket Failure', value: 'socket_failure' },
					{ name: 'Telephony Failed', value: 'telephony_failed' },
					{ name: 'Unreachable', value: 'unreachable' },
				],
			},
		],
	},
	{
		displayName: 'Simplify',
		name: 'simplify',
		type: 'boolean',
		default: true,
		description:
			'Whether to return flat records with ISO start/end times (started_at, ended_at) instead of the raw epoch-millisecond timestamps',
	},
];

export const description = updateDisplayOptions(
	{ show: { resource: ['conversation'], operation: ['getMany'] } },
	properties,
);

function timeFilter(
	ctx: IExecuteFunctions,
	itemIndex: number,
	field: string,
	value: unknown,
): number | undefined {
	if (value === undefined || value === null || value === '') return undefined;
	const zone = ctx.getTimezone() as unknown;
	const parsed = parseDateTime(value, isValidTimeZone(zone) ? zone : 'UTC');
	if (!parsed.ok) {
		throw fieldError(
			ctx,
			itemIndex,
			field,
			parsed.reason,
			'Pick a date and time, e.g. 2026-03-18T00:00:00.',
		);
	}
	return parsed.ms;
}

interface TimeRange {
	set: boolean;
	after?: number;
	/** Whether a conversation's timestamp lies in [after, before); a missing one never does. */
	holds(value: unknown): boolean;
}

/** The `<label> After` / `<label> Before` pair of filters, checked. */
function timeRange(
	ctx: IExecuteFunctions,
	itemIndex: number,
	label: 'Started' | 'Ended',
	afterValue: unknown,
	beforeValue: unknown,
): TimeRange {
	const after = timeFilter(ctx, itemIndex, `${label} After`, afterValue);
	const before = timeFilter(ctx, itemIndex, `${label} Before`, beforeValue);
	if (after !== undefined && before !== undefined && before <= after) {
		throw fieldError(
			ctx,
			itemIndex,
			`${label} Before`,
			`is not later than ${label} After, so nothing could match`,
		);
	}
	const set = after !== undefined || before !== undefined;
	return {
		set,
		after,
		holds: (value) => {
			if (!set) return true;
			const ms = conversationTimeMs(value);
			return (
				ms !== undefined &&
				(after === undefined || ms >= after) &&
				(before === undefined || ms < before)
			);
		},
	};
}

export async function execute(
	this: IExecuteFunctions,
	itemIndex: number,
): Promise<INodeExecutionData[]> {
	const limit = requestedLimit(this, itemIndex);
	const filters = this.getNodeParameter('filters', itemIndex, {}) as IDataObject;
	const simplify = this.getNodeParameter('simplify', itemIndex, true) as boolean;

	const qs: IDataObject = {};
	const agentId = agentFilterValue(
		this,
		itemIndex,
		filters,
		'Agent ID',
		"Use the agent's numeric ID from the FormantAI dashboard, or remove the Agent ID filter.",
	);
	if (agentId !== undefined) qs.agent_id = agentId;
	const statusValue = filters.status;
	const statuses = Array.isArray(statusValue)
		? statusValue.map(String)
		: typeof statusValue === 'string' && statusValue.trim() !== ''
			? statusValue.split(',').map((s) => s.trim())
			: [];
	const unknown = statuses.filter((s) => !(CONVERSATION_STATUSES as readonly string[]).includes(s));
	if (unknown.length > 0) {
		throw fieldError(
			this,
			itemIndex,
			'Status',
			`"${unknown.join('", "')}" is not a conversation status`,
			`Use ${CONVERSATION_STATUSES.join(', ')}.`,
		);
	}
	const started = timeRange(
		this,
		itemIndex,
		'Started',
		filters.startedAfter,
		filters.startedBefore,
	);
	const ended = timeRange(this, itemIndex, 'Ended', filters.endedAfter, filters.endedBefore);

	const filtering = statuses.length > 0 || started.set || ended.set;
	const keep = (record: IDataObject): boolean => {
		if (statuses.length > 0 && !statuses.includes(String(record.status))) return false;
		return started.holds(record.start_timestamp) && ended.holds(record.end_timestamp);
	};
	// The earliest start a conversation that can still match may have (see the assumption).
	const earliest = Math.max(started.after ?? -Infinity, ended.after ?? -Infinity);
	const last = Number.isFinite(earliest)
		? (record: IDataObject): boolean => {
				const start = conversationTimeMs(record.start_timestamp);
				return start !== undefined && start < earliest - CONVERSATION_LIST_SLACK_MS;
			}
		: undefined;

	const records = await paginate.call(this, {
		path: '/v1/conversations',
		qs,
		idField: 'conversation_id',
		limit,
		itemIndex,
		keep: filtering ? keep : undefined,
		last,
	});
	return records.map((record) => ({ json: simplify ? simplifyConversation(record) : record }));
}
