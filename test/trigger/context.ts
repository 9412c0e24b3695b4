import { mock } from 'jest-mock-extended';
import { DataDeduplicationService, WebhookContext, WorkflowExecute } from 'n8n-core';
import type {
	ICredentialDataDecryptedObject,
	IDataObject,
	IExecuteFunctions,
	INode,
	INodeExecutionData,
	INodeType,
	INodeParameters,
	INodeTypes,
	IWebhookData,
	IWebhookFunctions,
	IWebhookResponseData,
	IWorkflowExecuteAdditionalData,
} from 'n8n-workflow';
import { createRunExecutionData, NodeConnectionTypes, NodeHelpers, Workflow } from 'n8n-workflow';

import { FormantAiTrigger } from '../../nodes/FormantAiTrigger/FormantAiTrigger.node';
import { runtime } from '../../nodes/FormantAi/transport';
import { forgetSecrets } from '../../nodes/FormantAiTrigger/secret';
import { engineAdditionalData } from '../harness';
import { TestCredentialsHelper } from '../harness/credentials';
import { MemoryDedupe, SwitchableDedupe } from './dedupeStore';

export const trigger = new FormantAiTrigger();

/** What the node answered: n8n's default 200 with a body, or the status it set itself. */
export interface WebhookOutcome {
	result: IWebhookResponseData;
	/** HTTP status the client sees (n8n answers 200 unless the node answered itself). */
	status: number;
	/** JSON the client sees. */
	body: unknown;
	/** Whether the webhook half handed the event to n8n (an execution is created). */
	executed: boolean;
	/** Whether nodes after the trigger run: the execution's trigger output has items. */
	started: boolean;
	/** The trigger's output inside the execution. */
	items: INodeExecutionData[];
}

export interface Delivery {
	raw?: Buffer | string;
	headers?: Record<string, string | string[] | undefined>;
	/** The body n8n parsed (only read when there is no raw body). */
	body?: IDataObject;
}

export interface MockOptions {
	parameters?: INodeParameters;
	/** The webhook secret credential's value; omit for no credential on the node. */
	secret?: string;
	/** The clock for the replay window (default: just after the fixtures' event time). */
	now?: number;
	/** n8n's database-backed dedupe store, shared by the calls of one test. */
	seen?: MemoryDedupe;
	mode?: 'webhook' | 'manual';
	/** getCredentials throws (a credential deleted or not decryptable). */
	credentialFails?: boolean;
	/**
	 * Keep the Webhook Secrets this process read in earlier calls (default: every call plays a
	 * fresh n8n process, which has read none).
	 */
	keepSecrets?: boolean;
	/** Counts the reads of the webhook secret credential. */
	credentialReads?: { count: number };
	/** The node as saved before the Authentication parameter existed (parameter absent). */
	legacyWithoutAuthentication?: boolean;
}

/** Node parameters with the description's defaults filled in, the way n8n stores a node. */
export function nodeWithDefaults(parameters: INodeParameters = {}, secret?: string): INode {
	const node: INode = {
		id: 'trigger',
		name: 'FormantAI Trigger',
		type: 'formantAiTrigger',
		typeVersion: 1,
		position: [0, 0],
		parameters: {},
		credentials:
			secret === undefined
				? undefined
				: { formantAiWebhookApi: { id: 'secret', name: 'FormantAI Webhook Secret' } },
	};
	node.parameters =
		NodeHelpers.getNodeParameters(
			trigger.description.properties,
			parameters,
			true,
			false,
			node,
			trigger.description,
		) ?? {};
	return node;
}

function outcome(
	result: IWebhookResponseData,
	sent: { status?: number; body?: unknown },
	items: INodeExecutionData[],
): WebhookOutcome {
	// As n8n does it: an execution is created whenever workflowData holds items, and n8n answers
	// 200 once it exists unless the node answered itself.
	const executed = (result.workflowData?.[0]?.length ?? 0) > 0;
	const started = items.length > 0;
	if (result.noWebhookResponse) {
		return { result, status: sent.status ?? 200, body: sent.body, executed, started, items };
	}
	return {
		result,
		status: 200,
		body: executed ? N8N_STARTED_BODY : result.webhookResponse,
		executed,
		started,
		items,
	};
}

/**
 * What n8n 2.41.1 answers once the execution is recorded, for a webhook description without
 * response data (measured in e2e/examples.e2e.test.ts).
 */
export const N8N_STARTED_BODY = 'firstEntryJson';

/** The fixtures' event time, plus a few seconds: deliveries are inside the replay window. */
export const FIXTURE_NOW = Date.parse('2026-03-18T20:53:41.766Z') + 5_000;

/**
 * A mocked IWebhookFunctions in the shape n8n core's TriggerHelpers uses: request and response
 * objects, raw body, headers, static data and credentials.
 */
export async function callWebhook(
	delivery: Delivery,
	options: MockOptions = {},
): Promise<WebhookOutcome> {
	const node = nodeWithDefaults(options.parameters, options.secret);
	if (options.legacyWithoutAuthentication) delete node.parameters.authentication;
	const raw = typeof delivery.raw === 'string' ? Buffer.from(delivery.raw, 'utf8') : delivery.raw;
	const headers = Object.fromEntries(
		Object.entries(delivery.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v]),
	);
	const sent: { status?: number; body?: unknown } = {};
	interface MockResponse {
		status: jest.Mock;
		json: jest.Mock;
		send: jest.Mock;
		end: jest.Mock;
	}
	const response: MockResponse = {
		status: jest.fn((code: number) => {
			sent.status = code;
			return response;
		}),
		json: jest.fn((body: unknown) => {
			sent.body = body;
			return response;
		}),
		send: jest.fn((body: unknown) => {
			sent.body = body;
			return response;
		}),
		end: jest.fn(() => response),
	};
	const request = { method: 'POST', headers, rawBody: raw, body: delivery.body ?? {} };
	if (!options.keepSecrets) forgetSecrets();
	const context = mock<IWebhookFunctions>({
		getNode: () => node,
		getWorkflow: () => ({ id: 'w', active: true }),
		getMode: () => (options.mode === 'manual' ? 'manual' : 'webhook'),
		getWebhookName: () => 'default',
		getRequestObject: () => request as never,
		getResponseObject: () => response as never,
		getHeaderData: () => headers as never,
		getBodyData: () => delivery.body ?? {},
		getNodeParameter: ((name: string, fallback?: unknown) =>
			node.parameters[name] ?? fallback) as IWebhookFunctions['getNodeParameter'],
		getCredentials: (async (type: string) => {
			if (options.credentialReads) options.credentialReads.count++;
			if (
				type === 'formantAiWebhookApi' &&
				options.secret !== undefined &&
				!options.credentialFails
			) {
				return { secret: options.secret };
			}
			throw new Error(`no ${type} credential in this test`);
		}) as IWebhookFunctions['getCredentials'],
	});
	const realNow = runtime.now;
	runtime.now = () => options.now ?? FIXTURE_NOW;
	let result: IWebhookResponseData;
	try {
		result = (await trigger.webhook.call(context)) ?? {};
	} finally {
		runtime.now = realNow;
	}
	const input = result.workflowData?.[0] ?? [];
	if (input.length === 0) return outcome(result, sent, []);
	const seen = options.seen ?? new MemoryDedupe();
	const execute = mock<IExecuteFunctions>({
		getNode: () => node,
		getWorkflow: () => ({ id: 'w', active: true }),
		getMode: () => options.mode ?? 'webhook',
		getInputData: () => input,
		getNodeParameter: ((name: string, _index: number, fallback?: unknown) =>
			node.parameters[name] ?? fallback) as IExecuteFunctions['getNodeParameter'],
	});
	Object.assign(execute.helpers, dedupeHelpers(seen, node));
	const [items] = await trigger.execute.call(execute);
	return outcome(result, sent, items);
}

/** The execute context's dedupe helpers, bound to one store, node and workflow as n8n-core binds them. */
export function dedupeHelpers(
	seen: MemoryDedupe,
	node: INode,
): Pick<
	IExecuteFunctions['helpers'],
	'checkProcessedAndRecord' | 'clearAllProcessedItems' | 'getProcessedDataCount' | 'removeProcessed'
> {
	const contextData = { node, workflow: { id: 'w', active: true } };
	return {
		checkProcessedAndRecord: async (items, scope, opts) =>
			await seen.checkProcessedAndRecord(items, scope, contextData, opts),
		clearAllProcessedItems: async (scope) => await seen.clearAllProcessedItems(scope, contextData),
		getProcessedDataCount: async (scope, opts) =>
			await seen.getProcessedDataCount(scope, contextData, opts),
		removeProcessed: async (items, scope, opts) =>
			await seen.removeProcessed(items, scope, contextData, opts),
	};
}

/** Stands for "the node after the trigger": it passes its input on, so its run data counts runs. */
const sink: INodeType = {
	description: {
		displayName: 'Sink',
		name: 'sink',
		group: ['transform'],
		version: 1,
		description: 'Counts runs after the trigger',
		defaults: { name: 'Sink' },
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		properties: [],
	},
	async execute(this: IExecuteFunctions) {
		return [this.getInputData()];
	},
};

const nodeTypes: INodeTypes = {
	getByName: (name: string) => (name === 'sink' ? sink : trigger),
	getByNameAndVersion: (name: string) => (name === 'sink' ? sink : trigger),
	getKnownTypes: () => ({}),
};

/** n8n-core's dedupe service is a process-wide singleton: every engine test talks to this one. */
export const engineDedupe = new SwitchableDedupe();
let dedupeReady: Promise<void> | undefined;

export interface EngineOptions {
	parameters?: INodeParameters;
	secret?: string;
	/** The FormantAI API credential (for Attach Recording). */
	api?: ICredentialDataDecryptedObject;
	/** n8n's dedupe store for this workflow (default: a fresh one). */
	seen?: MemoryDedupe;
	/** 'manual' = "Listen for test event" in the editor. */
	mode?: 'webhook' | 'manual';
}

/**
 * A workflow `FormantAI Trigger → Sink`, and a function that runs one delivery as n8n does: the
 * trigger's `webhook()` through n8n-core's real WebhookContext (parameters, credentials), then,
 * when it hands over items, the execution through n8n-core's real WorkflowExecute (the trigger's
 * `execute()` with the real dedupe helper, httpRequestWithAuthentication and prepareBinaryData).
 */
export function engineTrigger(options: EngineOptions = {}) {
	const node = nodeWithDefaults(options.parameters, options.secret);
	if (options.api) {
		node.credentials = { ...node.credentials, formantAiApi: { id: 'api', name: 'FormantAI API' } };
	}
	const sinkNode: INode = {
		id: 'sink',
		name: 'Sink',
		type: 'sink',
		typeVersion: 1,
		position: [200, 0],
		parameters: {},
	};
	const connections = {
		[node.name]: { main: [[{ node: 'Sink', type: NodeConnectionTypes.Main, index: 0 }]] },
	};
	const workflow = new Workflow({
		id: 'trigger-workflow',
		name: 'Trigger test',
		nodes: [node, sinkNode],
		connections,
		active: true,
		nodeTypes,
		staticData: {},
	});
	const credentials: Record<string, ICredentialDataDecryptedObject> = {};
	if (options.secret !== undefined) credentials.formantAiWebhookApi = { secret: options.secret };
	if (options.api) credentials.formantAiApi = options.api;
	const seen = options.seen ?? new MemoryDedupe();
	const mode = options.mode ?? 'webhook';
	let executions = 0;

	const execute = async (input: INodeExecutionData[]): Promise<INodeExecutionData[]> => {
		dedupeReady ??= DataDeduplicationService.init(engineDedupe);
		await dedupeReady;
		engineDedupe.target = seen;
		const executionId = `exec-${++executions}`;
		const additionalData = engineAdditionalData({
			executionId,
			mode,
			workflow,
			credentialsHelper: new TestCredentialsHelper(credentials),
		});
		const runData = createRunExecutionData({
			executionData: {
				nodeExecutionStack: [{ node, data: { main: [input] }, source: null }],
			},
		});
		const run = await new WorkflowExecute(additionalData, mode, runData).processRunExecutionData(
			workflow,
		);
		const error = run.data.resultData.error;
		if (error) throw error;
		return (run.data.resultData.runData.Sink?.[0]?.data?.main?.[0] ?? []) as INodeExecutionData[];
	};

	const run = async (delivery: Delivery): Promise<WebhookOutcome> => {
		const raw = typeof delivery.raw === 'string' ? Buffer.from(delivery.raw, 'utf8') : delivery.raw;
		const sent: { status?: number; body?: unknown } = {};
		const response = {
			status(code: number) {
				sent.status = code;
				return response;
			},
			json(body: unknown) {
				sent.body = body;
				return response;
			},
			send(body: unknown) {
				sent.body = body;
				return response;
			},
			end() {
				return response;
			},
		};
		const headers = Object.fromEntries(
			Object.entries(delivery.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v]),
		);
		const additionalData = mock<IWorkflowExecuteAdditionalData>();
		Object.assign(additionalData, {
			executionId: undefined,
			credentialsHelper: new TestCredentialsHelper(credentials),
			httpRequest: {
				method: 'POST',
				headers,
				rawBody: raw,
				body: delivery.body ?? {},
				params: {},
				query: {},
			},
			httpResponse: response,
			webhookBaseUrl: 'http://127.0.0.1/webhook',
			webhookTestBaseUrl: 'http://127.0.0.1/webhook-test',
			webhookWaitingBaseUrl: 'http://127.0.0.1/webhook-waiting',
			formWaitingBaseUrl: 'http://127.0.0.1/form-waiting',
			instanceBaseUrl: 'http://127.0.0.1/',
			restApiUrl: 'http://127.0.0.1/rest',
			currentNodeParameters: undefined,
			encryptedRunnerIdentity: undefined,
			evalLlmMockHandler: undefined,
		});
		const webhookData = {
			httpMethod: 'POST',
			node: node.name,
			path: 'webhook',
			webhookDescription: trigger.description.webhooks![0],
			workflowId: workflow.id,
			workflowExecuteAdditionalData: additionalData,
		} as IWebhookData;
		const context = new WebhookContext(workflow, node, additionalData, mode, webhookData, [], null);
		const result = (await trigger.webhook.call(context)) ?? {};
		const input = result.workflowData?.[0] ?? [];
		return outcome(result, sent, input.length > 0 ? await execute(input) : []);
	};
	return { run, workflow, node, seen };
}
