import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
} from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { limitValue, positiveInteger } from '../../helpers/validation';
import { paginate } from '../../transport';

const properties: INodeProperties[] = [
	{
		displayName: 'Return All',
		name: 'returnAll',
		type: 'boolean',
		default: false,
		description: 'Whether to return all results or only up to a given limit',
	},
	{
		displayName: 'Limit',
		name: 'limit',
		type: 'number',
		typeOptions: { minValue: 1 },
		default: 50,
		description: 'Max number of results to return',
		displayOptions: { show: { returnAll: [false] } },
	},
	{
		displayName: 'Filters',
		name: 'filters',
		type: 'collection',
		placeholder: 'Add Filter',
		default: {},
		options: [
			{
				displayName: 'Agent ID',
				name: 'agentId',
				type: 'number',
				default: 0,
				placeholder: 'e.g. 123',
				description: 'Only campaigns of this agent',
			},
		],
	},
];

export const description = updateDisplayOptions(
	{ show: { resource: ['batch'], operation: ['getMany'] } },
	properties,
);

export async function execute(
	this: IExecuteFunctions,
	itemIndex: number,
): Promise<INodeExecutionData[]> {
	const returnAll = this.getNodeParameter('returnAll', itemIndex, false) as boolean;
	const limit = returnAll
		? Infinity
		: limitValue(this, itemIndex, this.getNodeParameter('limit', itemIndex, 50));
	const filters = this.getNodeParameter('filters', itemIndex, {}) as IDataObject;
	const qs: IDataObject = {};
	if (filters.agentId !== undefined && filters.agentId !== '') {
		qs.agent_id = positiveInteger(
			this,
			itemIndex,
			'Filters → Agent ID',
			filters.agentId,
			'Use an agent ID from the FormantAI dashboard, or remove the filter.',
		);
	}
	const batches = await paginate.call(this, {
		path: '/v1/batch-calls',
		qs,
		idField: 'id',
		limit,
		itemIndex,
	});
	return batches.map((json) => ({ json }));
}
