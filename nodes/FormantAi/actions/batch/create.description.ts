import type { INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import {
	allowedDestinationsOption,
	callingSafetyField,
	defaultCountryCodeOption,
	inputBinaryField,
} from '../../helpers/fields';
import { agentIdFields } from '../../helpers/locators';

/** Which item fields become columns. Each column becomes a call parameter the agent can use. */
function columnsField(
	defaultValue: 'all' | 'selected',
	versions: NonNullable<NonNullable<INodeProperties['displayOptions']>['show']>['@version'],
): INodeProperties {
	return {
		displayName: 'Columns',
		name: 'columns',
		type: 'options',
		options: [
			{
				name: 'All Fields',
				value: 'all',
				description: 'Every top-level field of every item becomes a column, personal data included',
			},
			{
				name: 'Phone and Listed Fields',
				value: 'selected',
				description: 'The phone, and only the fields listed in Fields to Include',
			},
		],
		default: defaultValue,
		description:
			'Which item fields are sent to FormantAI besides the phone; each becomes a call parameter of its row. Send only what the agent needs.',
		displayOptions: { show: { source: ['inputItems'], '@version': versions } },
	};
}

const properties: INodeProperties[] = [
	{
		displayName:
			"Each run starts a new campaign that calls every row. The upload is never retried automatically (a second copy would call everyone again), and if this node's Retry On Fail setting runs it again, campaigns already sent are not sent twice. After an error, check Get Many before running it again.",
		name: 'batchCreateNotice',
		type: 'notice',
		default: '',
	},
	{
		displayName: 'Campaign Name',
		name: 'campaignName',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'e.g. March Follow Ups',
		description: 'Name of the campaign, shown in the FormantAI dashboard and in Get Many',
	},
	...agentIdFields('The FormantAI agent that calls every row'),
	{
		displayName: 'Rows From',
		name: 'source',
		type: 'options',
		noDataExpression: true,
		options: [
			{
				name: 'CSV File',
				value: 'binaryFile',
				description: 'A CSV file in a binary field of each input item: one campaign per item',
			},
			{
				name: 'Input Items',
				value: 'inputItems',
				description:
					'All input items together become the rows of one campaign (e.g. from a spreadsheet or CRM); expressions in the other fields are read from the first item',
			},
		],
		default: 'inputItems',
	},
	inputBinaryField(
		'CSV file',
		'The CSV must be UTF-8 text with a customer_phone column; every other column becomes a call parameter of its row',
		{ displayOptions: { show: { source: ['binaryFile'] } } },
	),
	{
		displayName: 'Phone Field',
		name: 'phoneField',
		type: 'string',
		required: true,
		default: 'customer_phone',
		placeholder: 'e.g. phone',
		description:
			'Field of each input item that holds the phone number to call (dot notation for nested fields, e.g. contact.phone). It is sent as the customer_phone column, in E.164 form.',
		displayOptions: { show: { source: ['inputItems'] } },
	},
	// Version 1 sent every field unless told otherwise; saved version 1 nodes keep that default.
	columnsField('all', [1]),
	columnsField('selected', [{ _cnd: { gte: 1.1 } }]),
	{
		displayName: 'Fields to Include',
		name: 'fieldsToInclude',
		type: 'string',
		default: '',
		placeholder: 'e.g. customer_name, loan_id, due_amount',
		description:
			'Comma-separated names of the item fields to send as columns besides the phone (dot notation for nested fields). Empty sends only the phone.',
		displayOptions: { show: { source: ['inputItems'], columns: ['selected'] } },
	},
	{
		displayName: 'On Invalid Phone',
		name: 'onInvalidPhone',
		type: 'options',
		options: [
			{
				name: 'Skip the Row and Report It',
				value: 'skip',
				description:
					'Rows whose phone cannot be made E.164 are left out and listed in the output (skipped_rows)',
			},
			{
				name: 'Stop the Run',
				value: 'stop',
				description: 'Nothing is uploaded; the error lists every bad row',
			},
		],
		default: 'stop',
		description: 'What to do with rows whose phone number cannot be made E.164',
	},
	callingSafetyField([
		allowedDestinationsOption(
			'Every row must match, or nothing is uploaded. Required when an AI agent uses this node as a tool: without it the node starts no campaign',
		),
	]),
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [defaultCountryCodeOption],
	},
];

export const description = updateDisplayOptions(
	{ show: { resource: ['batch'], operation: ['create'] } },
	properties,
);
