import type {
	IDataObject,
	IExecuteFunctions,
	IHttpRequestMethods,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
} from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import {
	binaryUpload,
	buildForm,
	downloadBinary,
	formantAiRequestFull,
	paginate,
} from '../../nodes/FormantAi/transport';
import { registerNodeType } from '../harness';

/**
 * A test-only node that drives the transport directly through the real engine, so transport
 * behaviour is tested with n8n's own `httpRequestWithAuthentication` and credential handling.
 */
class TransportProbe implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Transport Probe',
		name: 'transportProbe',
		group: ['transform'],
		usableAsTool: true,
		version: 1,
		description: 'Calls the FormantAI transport',
		defaults: { name: 'Probe' },
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'formantAiApi', required: true }],
		properties: [
			{ displayName: 'Mode', name: 'mode', type: 'string', default: 'request' },
			{ displayName: 'Method', name: 'method', type: 'string', default: 'GET' },
			{ displayName: 'Path', name: 'path', type: 'string', default: '/v1/conversations' },
			{ displayName: 'Body', name: 'body', type: 'json', default: '' },
			{ displayName: 'Retry', name: 'retry', type: 'json', default: '' },
			{ displayName: 'Limit', name: 'limit', type: 'number', default: 0 },
			{ displayName: 'ID Field', name: 'idField', type: 'string', default: 'id' },
			{ displayName: 'Timeout', name: 'timeoutMs', type: 'number', default: 0 },
		],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const mode = this.getNodeParameter('mode', 0) as string;
		const method = this.getNodeParameter('method', 0) as IHttpRequestMethods;
		const path = this.getNodeParameter('path', 0) as string;
		const raw = (name: string) => {
			const value = this.getNodeParameter(name, 0) as string | IDataObject;
			return typeof value === 'string' && value
				? (JSON.parse(value) as IDataObject)
				: value || undefined;
		};
		if (mode === 'paginate') {
			const limit = this.getNodeParameter('limit', 0) as number;
			const records = await paginate.call(this, {
				path,
				idField: this.getNodeParameter('idField', 0) as string,
				limit: limit === 0 ? Infinity : limit,
			});
			return [records.map((json) => ({ json, pairedItem: { item: 0 } }))];
		}
		if (mode === 'download') {
			const binary = await downloadBinary.call(this, {
				path,
				itemIndex: 0,
				fallbackFileName: 'fallback.wav',
				fallbackMimeType: 'audio/wav',
				timeoutMs: (this.getNodeParameter('timeoutMs', 0) as number) || undefined,
			});
			return [[{ json: {}, binary: { data: binary }, pairedItem: { item: 0 } }]];
		}
		if (mode === 'upload') {
			const file = await binaryUpload.call(this, 0, 'data', 'file');
			const form = buildForm({ agent_id: '123', name: 'Upload test', empty: undefined }, file);
			const response = await formantAiRequestFull.call(this, {
				method,
				path,
				body: form,
				itemIndex: 0,
			});
			return [[{ json: { body: response.body as IDataObject }, pairedItem: { item: 0 } }]];
		}
		const response = await formantAiRequestFull.call(this, {
			method,
			path,
			body: raw('body') as IDataObject | undefined,
			retry: raw('retry') as IDataObject | undefined,
			itemIndex: 0,
		});
		return [
			[
				{
					json: {
						body: response.body as IDataObject,
						attempts: response.attempts,
						status: response.status,
					},
					pairedItem: { item: 0 },
				},
			],
		];
	}
}

registerNodeType('transportProbe', new TransportProbe());
