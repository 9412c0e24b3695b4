import type {
	IExecuteFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
} from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { batchDescription } from './actions/batch/Batch.resource';
import { callDescription } from './actions/call/Call.resource';
import { conversationDescription } from './actions/conversation/Conversation.resource';
import { router } from './actions/router';
import { transcriptionDescription } from './actions/transcription/Transcription.resource';
import { searchAgents, searchBatches, searchConversations } from './methods/listSearch';

export class FormantAi implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'FormantAI',
		name: 'formantAi',
		icon: { light: 'file:formantAi.svg', dark: 'file:formantAi.dark.svg' },
		group: ['output'],
		// 1.1: Batch Create from input items sends only the phone and listed fields by default.
		// 2: Agent, Conversation and Batch are resource locators (From List / By ID).
		version: [1, 1.1, 2],
		defaultVersion: 2,
		subtitle: '={{ $parameter["operation"] + ": " + $parameter["resource"] }}',
		description:
			'Place AI voice calls, read conversations and recordings, run CSV campaigns and transcribe audio with FormantAI',
		defaults: { name: 'FormantAI' },
		usableAsTool: true,
		// Read by n8n's AI workflow builder only (never shown in the editor).
		builderHint: {
			searchHint:
				'Use Call > Create to phone one person now (one call per input item; each item needs the number with its country code and the agent ID). Use Batch > Create for a campaign of many numbers at once (CSV or many items, one upload). To act on how calls ended, start a second workflow with the FormantAI Trigger (it receives outcome events) instead of waiting; Call > Create with Wait for Outcome suits a single short call. As an AI Agent tool, Call > Create and Batch > Create refuse to dial unless Calling Safety > Allowed Destinations lists the allowed country codes or numbers, so always set it; put the tool behind a human approval node when a person must confirm each call.',
			relatedNodes: [
				{
					nodeType: 'n8n-nodes-formantai.formantAiTrigger',
					relationHint: 'Receives the outcome of calls placed by this node (ended, analysed, failed)',
				},
				{
					nodeType: '@n8n/n8n-nodes-langchain.agent',
					relationHint: 'Can use this node as a tool to place or look up calls',
				},
			],
		},
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'formantAiApi', required: true }],
		properties: [
			{
				displayName: 'Resource',
				name: 'resource',
				type: 'options',
				noDataExpression: true,
				options: [
					{ name: 'Batch', value: 'batch', description: 'A CSV campaign: one call per row' },
					{ name: 'Call', value: 'call', description: 'An outbound phone call by an AI agent' },
					{
						name: 'Conversation',
						value: 'conversation',
						description: 'The record of one call attempt: outcome, results, transcript, recording',
					},
					{
						name: 'Transcription',
						value: 'transcription',
						description: 'Speech-to-text for an audio file',
					},
				],
				default: 'call',
			},
			...batchDescription,
			...callDescription,
			...conversationDescription,
			...transcriptionDescription,
		],
	};

	methods = { listSearch: { searchAgents, searchBatches, searchConversations } };

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await router.call(this);
	}
}
