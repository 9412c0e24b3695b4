import type { INodeProperties } from 'n8n-workflow';

import type { ResourceOperations } from '../types';
import * as create from './create.operation';
import * as get from './get.operation';
import * as getMany from './getMany.operation';
import * as getMetrics from './getMetrics.operation';

export const batchOperations: ResourceOperations = { create, get, getMany, getMetrics };

export const batchDescription: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['batch'] } },
		options: [
			{
				name: 'Create',
				value: 'create',
				description: 'Start a campaign that calls every row of a CSV file or of the input items',
				action: 'Create a batch campaign',
			},
			{
				name: 'Get',
				value: 'get',
				description: 'Get a campaign by ID',
				action: 'Get a batch campaign',
			},
			{
				name: 'Get Many',
				value: 'getMany',
				description: 'List campaigns, optionally of one agent',
				action: 'Get many batch campaigns',
			},
			{
				name: 'Get Metrics',
				value: 'getMetrics',
				description: "Get a campaign's outcome counters and derived rates",
				action: 'Get metrics of a batch campaign',
			},
		],
		default: 'create',
	},
	...create.description,
	...get.description,
	...getMany.description,
	...getMetrics.description,
];
