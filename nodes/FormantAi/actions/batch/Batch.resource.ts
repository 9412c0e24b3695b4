import type { INodeProperties } from 'n8n-workflow';

import type { ResourceOperations } from '../types';

export const batchOperations: ResourceOperations = {};

export const batchDescription: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['batch'] } },
		options: [],
		default: '',
	},
];
