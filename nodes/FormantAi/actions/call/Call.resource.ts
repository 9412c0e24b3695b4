import type { INodeProperties } from 'n8n-workflow';

import type { ResourceOperations } from '../types';
import * as create from './create.operation';

export const callOperations: ResourceOperations = { create };

export const callDescription: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['call'] } },
		options: [
			{
				name: 'Create',
				value: 'create',
				description: 'Make an outbound call by an AI agent, now or at a scheduled time',
				action: 'Make a call',
			},
		],
		default: 'create',
	},
	...create.description,
];
