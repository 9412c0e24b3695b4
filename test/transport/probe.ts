import type {
	ICredentialDataDecryptedObject,
	IDataObject,
	IExecuteFunctions,
	IHttpRequestMethods,
	INodeExecutionData,
	INodeParameters,
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
	resetRuntime,
	runtime,
} from '../../nodes/FormantAi/transport';
import type { RunNodeResult } from '../harness';
import { apiCredential, registerNodeType, runNode } from '../harness';
import type { ScriptedServer } from './scriptedServer';
import { startScriptedServer } from './scriptedServer';

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
				retry: raw('retry') as IDataObject | undefined,
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

/** Looks like a real key, so that a leak anywhere in a run's output would be caught. */
export const LEAK_CANARY = ['fa', 'live', '8d1e5f0c2b7a4e93a6d0c1b2e3f4a5b6'].join('_');

export const errorEnvelope = (message: string, type: string, extra: IDataObject = {}) => ({
	error: { message, type, ...extra },
});

export interface ProbeEnv {
	server: ScriptedServer;
	/** Every wait the transport asked for, in ms (nothing really waits). */
	sleeps: number[];
	/** The transport's clock in ms: each wait moves it, and a handler may too (a slow answer). */
	now: number;
	/** Runs the probe node once against the server; no part of the run may carry the key. */
	probe(
		parameters: INodeParameters,
		credentials?: ICredentialDataDecryptedObject,
	): Promise<RunNodeResult>;
}

/** A scripted server per test, with the transport's waiting, clock and chance under the test's control. */
export function useProbe(): ProbeEnv {
	const env = {
		probe: async (parameters, credentials = apiCredential(env.server.url, LEAK_CANARY)) => {
			const result = await runNode({
				type: 'transportProbe',
				parameters: { mode: 'request', method: 'GET', path: '/v1/conversations', ...parameters },
				credentials: { formantAiApi: credentials },
			});
			expect(JSON.stringify(result.run)).not.toContain(LEAK_CANARY);
			return result;
		},
	} as ProbeEnv;
	beforeEach(async () => {
		env.server = await startScriptedServer();
		env.sleeps = [];
		env.now = Date.parse('2026-03-18T20:53:00Z');
		runtime.sleep = async (ms) => {
			env.sleeps.push(ms);
			env.now += ms;
		};
		runtime.now = () => env.now;
		runtime.random = () => 0.5;
	});
	afterEach(async () => {
		resetRuntime();
		await env.server.close();
	});
	return env;
}
