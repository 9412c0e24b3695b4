import type { INodeProperties } from 'n8n-workflow';

import type { ResourceOperations } from '../types';
import * as downloadRecording from './downloadRecording.operation';
import * as get from './get.operation';
import * as getMany from './getMany.operation';

export const conversationOperations: ResourceOperations = { downloadRecording, get, getMany };

export const conversationDescription: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['conversation'] } },
		options: [
			{
				name: 'Download Recording',
				value: 'downloadRecording',
				description: "Download a conversation's audio recording as a file",
				action: 'Download a recording',
			},
			{
				name: 'Get',
				value: 'get',
				description: 'Get one conversation: outcome, results, transcript',
				action: 'Get a conversation',
			},
			{
				name: 'Get Many',
				value: 'getMany',
				description: 'List conversations, newest first as FormantAI returns them',
				action: 'Get many conversations',
			},
		],
		default: 'get',
	},
	...get.description,
	...getMany.description,
	...downloadRecording.description,
];
