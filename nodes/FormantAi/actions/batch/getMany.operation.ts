import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
} from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { returnAllAndLimit, requestedLimit } from '../../helpers/getMany';
import { agentFilterFields, agentFilterValue } from '../../helpers/locators';
import { paginate } from '../../transport';

const properties: INodeProperties[] = [
	...returnAllAndLimit,
	{
		displayName: 'Filters',
		name: 'filters',
		type: 'collection',
		placeholder: 'Add Filter',
		default: {},
		options: [...agentFilterFields('Only campaigns of this agent')],
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
	const agentId = agentFilterValue(
		this,
		itemIndex,
		filters,
		'Filters → Agent ID',
		'Use an agent ID from the FormantAI dashboard, or remove the filter.',
	);
	if (agentId !== undefined) qs.agent_id = agentId;
	const batches = await paginate.call(this, {
		path: '/v1/batch-calls',
		qs,
		idField: 'id',
		limit,
		itemIndex,
	});
	return batches.map((json) => ({ json }));
}
