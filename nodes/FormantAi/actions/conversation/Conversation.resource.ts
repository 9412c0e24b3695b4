import type { INodeProperties } from 'n8n-workflow';

import type { ResourceOperations } from '../types';

export const conversationOperations: ResourceOperations = {};

export const conversationDescription: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['conversation'] } },
		options: [],
		default: '',
	},
];
