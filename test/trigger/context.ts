import { mock } from 'jest-mock-extended';
import { WebhookContext } from 'n8n-core';
import type {
	ICredentialDataDecryptedObject,
	IDataObject,
	INode,
	INodeParameters,
	INodeTypes,
	IWebhookData,
	IWebhookFunctions,
	IWebhookResponseData,
	IWorkflowExecuteAdditionalData,
} from 'n8n-workflow';
import { NodeHelpers, Workflow } from 'n8n-workflow';

import { FormantAiTrigger } from '../../nodes/FormantAiTrigger/FormantAiTrigger.node';
import { TestCredentialsHelper } from '../harness/credentials';

export const trigger = new FormantAiTrigger();

/** What the node answered: n8n's default 200 with a body, or the status it set itself. */
export interface WebhookOutcome {
	result: IWebhookResponseData;
	/** HTTP status the client sees (n8n answers 200 unless the node answered itself). */
	status: number;
	/** JSON the client sees. */
	body: unknown;
	/** Whether a workflow run starts. */
	started: boolean;
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
	staticData?: IDataObject;
	mode?: 'trigger' | 'manual';
	/** getCredentials throws (a credential deleted or not decryptable). */
	credentialFails?: boolean;
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
): WebhookOutcome {
	// As n8n does it: a run starts whenever workflowData holds items; with noWebhookResponse the
	// node has answered the request itself.
	const started = (result.workflowData?.[0]?.length ?? 0) > 0;
	if (result.noWebhookResponse) {
		return { result, status: sent.status ?? 200, body: sent.body, started };
	}
	return {
		result,
		status: 200,
		body: started ? { message: 'Workflow was started' } : result.webhookResponse,
		started,
	};
}

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
	const staticData = options.staticData ?? {};
	const context = mock<IWebhookFunctions>({
		getNode: () => node,
		getMode: () => options.mode ?? 'trigger',
		getWebhookName: () => 'default',
		getRequestObject: () => request as never,
		getResponseObject: () => response as never,
		getHeaderData: () => headers as never,
		getBodyData: () => delivery.body ?? {},
		getWorkflowStaticData: () => staticData,
		getNodeParameter: ((name: string, fallback?: unknown) =>
			node.parameters[name] ?? fallback) as IWebhookFunctions['getNodeParameter'],
		getCredentials: (async (type: string) => {
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
	const result = (await trigger.webhook.call(context)) ?? {};
	return outcome(result, sent);
}

const nodeTypes: INodeTypes = {
	getByName: () => trigger,
	getByNameAndVersion: () => trigger,
	getKnownTypes: () => ({}),
};

export interface EngineOptions {
	parameters?: INodeParameters;
	secret?: string;
	/** The FormantAI API credential (for Attach Recording). */
	api?: ICredentialDataDecryptedObject;
	/** Static data as persisted by n8n (a plain object); the workflow wraps it as n8n does. */
	staticData?: IDataObject;
}

/**
 * A workflow holding the trigger, and a function that runs one delivery through n8n-core's real
 * WebhookContext (real parameters, credentials, static data, httpRequestWithAuthentication and
 * prepareBinaryData), the way n8n's webhook server calls `webhook()`.
 */
export function engineTrigger(options: EngineOptions = {}) {
	const node = nodeWithDefaults(options.parameters, options.secret);
	if (options.api) {
		node.credentials = { ...node.credentials, formantAiApi: { id: 'api', name: 'FormantAI API' } };
	}
	const workflow = new Workflow({
		id: 'trigger-workflow',
		name: 'Trigger test',
		nodes: [node],
		connections: {},
		active: true,
		nodeTypes,
		staticData: options.staticData ?? {},
	});
	const credentials: Record<string, ICredentialDataDecryptedObject> = {};
	if (options.secret !== undefined) credentials.formantAiWebhookApi = { secret: options.secret };
	if (options.api) credentials.formantAiApi = options.api;

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
		const context = new WebhookContext(
			workflow,
			node,
			additionalData,
			'webhook',
			webhookData,
			[],
			null,
		);
		const result = (await trigger.webhook.call(context)) ?? {};
		return outcome(result, sent);
	};
	return { run, workflow, node };
}
