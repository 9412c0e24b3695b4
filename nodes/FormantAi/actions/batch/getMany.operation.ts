import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
} from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { returnAllAndLimit, requestedLimit } from '../../helpers/getMany';
import { positiveInteger } from '../../helpers/validation';
import { paginate } from '../../transport';

const properties: INodeProperties[] = [
	...returnAllAndLimit,
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
	const limit = requestedLimit(this, itemIndex);
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
