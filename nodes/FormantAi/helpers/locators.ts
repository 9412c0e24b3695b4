import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { CONVERSATION_ID } from './conversationId';
import { positiveInteger } from './validation';

/**
 * The ID fields in both saved shapes. Versions 1 and 1.1 keep the plain field they were saved
 * with; version 2 asks through a resource locator (`{ __rl, mode, value }`: pick from a list or
 * type the ID). Both shapes share the parameter name, so one read (`locatorValue`) serves both.
 */
const PLAIN_VERSIONS = { '@version': [1, 1.1] };
const LOCATOR_VERSIONS = { '@version': [{ _cnd: { gte: 2 } }] };

/** The first version whose ID fields are resource locators. */
export const LOCATOR_VERSION = 2;

const WHOLE_NUMBER = '^\\s*[1-9][0-9]*\\s*$';

/** The By ID mode's check, as n8n's editor runs it (no regex flags). */
function idCheck(regex: string, errorMessage: string) {
	return [{ type: 'regex' as const, properties: { regex, errorMessage } }];
}

/** The Agent locator; FormantAI has no API that lists agents (see AGENT_LIST_PAGES). */
function agentLocator(description: string, required: boolean): INodeProperties {
	return {
		displayName: 'Agent',
		name: 'agentId',
		type: 'resourceLocator',
		required,
		default: { mode: 'list', value: '' },
		description,
		hint: 'The list holds the agents of the newest conversations (FormantAI cannot list agents); for another agent choose By ID',
		modes: [
			{
				// n8n labels every list mode "From list"; the placeholder and hint say what it holds.
				displayName: 'From List',
				name: 'list',
				type: 'list',
				placeholder: 'Choose an agent of recent conversations...',
				typeOptions: { searchListMethod: 'searchAgents', searchable: true },
			},
			{
				displayName: 'By ID',
				name: 'id',
				type: 'string',
				placeholder: 'e.g. 123',
				validation: idCheck(WHOLE_NUMBER, 'An agent ID is a whole number above 0, e.g. 123'),
			},
		],
		displayOptions: { show: LOCATOR_VERSIONS },
	};
}

/**
 * The Agent of Call Create and Batch Create. FormantAI has no API that lists agents: the list
 * offers the agents of the newest conversations (see AGENT_LIST_PAGES).
 */
export function agentIdFields(description: string): INodeProperties[] {
	const text = `${description}, from the agent's page in the FormantAI dashboard`;
	return [
		{
			displayName: 'Agent ID',
			name: 'agentId',
			type: 'number',
			required: true,
			default: 0,
			placeholder: 'e.g. 123',
			description: `${text} (there is no API to list agents)`,
			displayOptions: { show: PLAIN_VERSIONS },
		},
		agentLocator(
			`${text}. FormantAI cannot list agents: the list shows the agents of the newest conversations, and an agent without recent calls is entered By ID.`,
			true,
		),
	];
}

/** Filters → Agent ID of the Get Many operations, in both shapes. */
export function agentFilterFields(description: string): INodeProperties[] {
	return [
		{
			displayName: 'Agent ID',
			name: 'agentId',
			type: 'number',
			default: 0,
			placeholder: 'e.g. 123',
			description,
			displayOptions: { show: PLAIN_VERSIONS },
		},
		agentLocator(description, false),
	];
}

const CONVERSATION_DESCRIPTION =
	'The conversation (one call attempt). Its ID is a UUID, optionally followed by _ and a number; it is in webhook payloads (data.call.conversation_id) and in Get Many results.';

/** The Conversation of Get and Download Recording. */
export const conversationIdFields: INodeProperties[] = [
	{
		displayName: 'Conversation ID',
		name: 'conversationId',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'e.g. e36853de-9cbb-441e-ad75-d3c8ac82abfb_1',
		description: CONVERSATION_DESCRIPTION,
		displayOptions: { show: PLAIN_VERSIONS },
	},
	{
		displayName: 'Conversation',
		name: 'conversationId',
		type: 'resourceLocator',
		required: true,
		default: { mode: 'list', value: '' },
		description: CONVERSATION_DESCRIPTION,
		modes: [
			{
				displayName: 'From List',
				name: 'list',
				type: 'list',
				typeOptions: { searchListMethod: 'searchConversations', searchable: true },
			},
			{
				displayName: 'By ID',
				name: 'id',
				type: 'string',
				placeholder: 'e.g. e36853de-9cbb-441e-ad75-d3c8ac82abfb_1',
				// The same pattern as at execution; upper-case hex spelled out (no `i` flag here).
				validation: idCheck(
					CONVERSATION_ID.source.replace(/a-f/g, 'a-fA-F'),
					'A conversation ID is a UUID, optionally followed by _ and a number',
				),
			},
		],
		displayOptions: { show: LOCATOR_VERSIONS },
	},
];

/** The Batch of Get and Get Metrics. */
export function batchIdFields(extra: Partial<INodeProperties> = {}): INodeProperties[] {
	const description = 'The campaign, as returned by Create or listed by Get Many';
	return [
		{
			displayName: 'Batch ID',
			name: 'batchId',
			type: 'number',
			required: true,
			default: 0,
			placeholder: 'e.g. 456',
			description,
			...extra,
			displayOptions: { show: PLAIN_VERSIONS },
		},
		{
			displayName: 'Batch',
			name: 'batchId',
			type: 'resourceLocator',
			required: true,
			default: { mode: 'list', value: '' },
			description,
			...extra,
			modes: [
				{
					displayName: 'From List',
					name: 'list',
					type: 'list',
					typeOptions: { searchListMethod: 'searchBatches', searchable: true },
				},
				{
					displayName: 'By ID',
					name: 'id',
					type: 'string',
					placeholder: 'e.g. 456',
					validation: idCheck(WHOLE_NUMBER, 'A batch ID is a whole number above 0, e.g. 456'),
				},
			],
			displayOptions: { show: LOCATOR_VERSIONS },
		},
	];
}

/** The field's name as the node shows it, for error messages (`Agent ID` in v1, `Agent` in v2). */
export function fieldLabel(ctx: Pick<IExecuteFunctions, 'getNode'>, plain: string): string {
	return ctx.getNode().typeVersion >= LOCATOR_VERSION
		? plain.replace(/(Agent|Batch|Conversation) ID$/, '$1')
		: plain;
}

/**
 * The value of an ID field in either shape: the plain value (v1), or the locator's value (v2,
 * whatever the mode). `path` may point into a collection, e.g. `filters.agentId`.
 */
export function locatorValue(ctx: IExecuteFunctions, path: string, itemIndex: number): unknown {
	const value = ctx.getNodeParameter(path, itemIndex, undefined, { extractValue: true });
	// A locator n8n could not resolve by its definition (e.g. a mode it does not know) is still
	// an object here: its `value` is what the user gave.
	if (typeof value === 'object' && value !== null && 'value' in value) {
		return (value as { value: unknown }).value;
	}
	return value;
}

/** The Agent ID of one item, either shape, checked: a whole number above 0. */
export function agentIdValue(ctx: IExecuteFunctions, itemIndex: number, fix: string): number {
	const value = locatorValue(ctx, 'agentId', itemIndex);
	return positiveInteger(ctx, itemIndex, fieldLabel(ctx, 'Agent ID'), value, fix);
}

/**
 * Filters → Agent ID of one item, either shape, checked; undefined when the filter is unset.
 * `field` is how the error names it (v1 wording; `Agent ID` reads `Agent` from version 2).
 */
export function agentFilterValue(
	ctx: IExecuteFunctions,
	itemIndex: number,
	filters: IDataObject,
	field: string,
	fix: string,
): number | undefined {
	if (filters.agentId === undefined || filters.agentId === null) return undefined;
	const value = locatorValue(ctx, 'filters.agentId', itemIndex);
	if (value === undefined || value === null || value === '') return undefined;
	return positiveInteger(ctx, itemIndex, fieldLabel(ctx, field), value, fix);
}
