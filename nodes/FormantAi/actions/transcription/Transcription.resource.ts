import type { INodeProperties } from 'n8n-workflow';

import type { ResourceOperations } from '../types';

export const transcriptionOperations: ResourceOperations = {};

export const transcriptionDescription: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['transcription'] } },
		options: [],
		default: '',
	},
];
