import type { INodeProperties } from 'n8n-workflow';

import type { ResourceOperations } from '../types';

export const callOperations: ResourceOperations = {};

export const callDescription: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['call'] } },
		options: [],
		default: '',
	},
];
