import type { INodeProperties } from 'n8n-workflow';

import type { ResourceOperations } from '../types';
import * as create from './create.operation';
import * as get from './get.operation';

export const transcriptionOperations: ResourceOperations = { create, get };

export const transcriptionDescription: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['transcription'] } },
		options: [
			{
				name: 'Create',
				value: 'create',
				description: 'Transcribe an audio file, waiting for the transcript by default',
				action: 'Create a transcription',
			},
			{
				name: 'Get',
				value: 'get',
				description: 'Get a transcription job and its transcript by job ID',
				action: 'Get a transcription',
			},
		],
		default: 'create',
	},
	...create.description,
	...get.description,
];
