/* eslint-disable @n8n/community-nodes/no-restricted-imports -- test tooling: a temp folder for n8n's filesystem binary mode, never shipped */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { Container } from '@n8n/di';
import { BinaryDataService, ExecutionLifecycleHooks, WorkflowExecute } from 'n8n-core';
import type {
	ExecutionError,
	IBinaryData,
	ICredentialDataDecryptedObject,
	ICredentialsHelper,
	IDataObject,
	IExecuteFunctions,
	INode,
	INodeExecutionData,
	INodeParameters,
	INodeType,
	INodeTypes,
	IRun,
	IVersionedNodeType,
	IWorkflowExecuteAdditionalData,
	WorkflowExecuteMode,
} from 'n8n-workflow';
import { createRunExecutionData, NodeConnectionTypes, Workflow } from 'n8n-workflow';

import { FormantAi } from '../../nodes/FormantAi/FormantAi.node';
import { resetRuntime, runtime } from '../../nodes/FormantAi/transport';
import type { Simulator, SimulatorOptions } from '../simulator';
import { start } from '../simulator';
import { TestCredentialsHelper } from './credentials';
import { TestDatabaseBinaryManager } from './databaseBinary';

/** Test input as plain data: JSON, and binary files given as bytes or text. */
export interface InputItem {
	json: IDataObject;
	/** A file as bytes or text, or one already in n8n's binary store (passed on as it is). */
	binary?: Record<
		string,
		{ data: Buffer | string; fileName?: string; mimeType?: string } | (IBinaryData & { id: string })
	>;
}

/**
 * A start node that emits the test's items, storing their files through n8n's own
 * `prepareBinaryData` so they live wherever the binary mode puts them (memory or disk).
 */
class HarnessInput implements INodeType {
	description = {
		displayName: 'Harness Input',
		name: 'harnessInput',
		group: ['input'],
		version: 1,
		description: 'Emits test items',
		defaults: { name: 'Input' },
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		properties: [{ displayName: 'Key', name: 'key', type: 'string', default: '' }],
	} as INodeType['description'];

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const items = inputs.get(this.getNodeParameter('key', 0) as string) ?? [];
		const out: INodeExecutionData[] = [];
		for (const [index, item] of items.entries()) {
			const result: INodeExecutionData = { json: item.json, pairedItem: { item: 0 } };
			if (item.binary) {
				result.binary = {};
				for (const [field, file] of Object.entries(item.binary)) {
					if ('id' in file) {
						result.binary[field] = file;
						continue;
					}
					const data = typeof file.data === 'string' ? Buffer.from(file.data, 'utf8') : file.data;
					result.binary[field] = await this.helpers.prepareBinaryData(
						data,
						file.fileName ?? `file-${index}`,
						file.mimeType,
					);
				}
			}
			out.push(result);
		}
		return [out];
	}
}

const inputs = new Map<string, InputItem[]>();
let runCounter = 0;

const nodeTypeClasses: Record<string, INodeType> = {
	harnessInput: new HarnessInput(),
	formantAi: new FormantAi(),
};

/** Lets other test files add node types (the trigger registers itself this way). */
export function registerNodeType(name: string, type: INodeType): void {
	nodeTypeClasses[name] = type;
}

const nodeTypes: INodeTypes = {
	getByName: (name: string) => nodeTypeClasses[name] as INodeType | IVersionedNodeType,
	getByNameAndVersion: (name: string) => nodeTypeClasses[name],
	getKnownTypes: () => ({}),
};

export type BinaryMode = 'default' | 'filesystem' | 'database';

let fsBinaryDir: string | undefined;

/** The store of the 'database' mode (see databaseBinary.ts); tests may look into its rows. */
export const databaseBinaryStore = new TestDatabaseBinaryManager();

/**
 * Switches n8n's binary data store between memory ('default'), a temp folder ('filesystem') and
 * a stand-in for n8n's database store ('database', registered the way n8n registers its own).
 */
async function useBinaryMode(mode: BinaryMode): Promise<void> {
	const service = Container.get(BinaryDataService) as unknown as {
		config: { mode: string; localStoragePath: string; availableModes: string[] };
		managers: Record<string, unknown>;
		mode: string;
		init(): Promise<void>;
	};
	if (mode === 'filesystem') {
		fsBinaryDir ??= mkdtempSync(join(tmpdir(), 'formantai-binary-'));
		service.config.mode = 'filesystem';
		service.config.localStoragePath = fsBinaryDir;
		service.config.availableModes = ['filesystem'];
		await service.init();
	} else if (mode === 'database') {
		(service as unknown as BinaryDataService).setManager('database', databaseBinaryStore);
		service.mode = 'database';
	} else {
		// Without a manager for the mode, n8n keeps binary data in memory as base64.
		service.mode = 'default';
	}
}

export interface RunNodeOptions {
	/** Parameters of the node under test. */
	parameters: INodeParameters;
	/** Node type name (default our action node). */
	type?: string;
	/** Version of the node under test (default 1, the first). */
	typeVersion?: number;
	input?: InputItem[];
	/** Credentials by type; `formantAiApi` is required for API operations. */
	credentials: Record<string, ICredentialDataDecryptedObject>;
	continueOnFail?: boolean;
	/** n8n's Retry On Fail setting (tries include the first). */
	retryOnFail?: { maxTries: number };
	binaryMode?: BinaryMode;
	/** Cancel the execution after it starts (tests of cancellation). */
	onStarted?: (cancel: () => void) => void;
}

export interface RunNodeResult {
	/** Items on the node's first output. */
	items: INodeExecutionData[];
	/** The node's error when the workflow stopped on it. */
	error?: ExecutionError;
	run: IRun;
	/** Reads a binary property of an output item, whatever the binary mode. */
	binary(item: INodeExecutionData, field?: string): Promise<Buffer>;
}

/**
 * What n8n-core's WorkflowExecute needs from the host (in n8n, the CLI provides it), for a run of
 * `workflow` in `mode`. A plain object, not jest-mock-extended's mock: the benchmarks run the
 * harness outside jest.
 */
export function engineAdditionalData(options: {
	executionId: string;
	mode: WorkflowExecuteMode;
	workflow: Workflow;
	credentialsHelper: ICredentialsHelper;
}): IWorkflowExecuteAdditionalData {
	const { workflow } = options;
	const additionalData = {} as IWorkflowExecuteAdditionalData;
	Object.assign(additionalData, {
		executionId: options.executionId,
		credentialsHelper: options.credentialsHelper,
		hooks: new ExecutionLifecycleHooks(options.mode, options.executionId, {
			id: workflow.id,
			name: workflow.name,
			active: workflow.active,
			activeVersionId: null,
			isArchived: false,
			createdAt: new Date(),
			updatedAt: new Date(),
			nodes: Object.values(workflow.nodes),
			connections: workflow.connectionsBySourceNode,
		} as never),
		webhookBaseUrl: 'http://127.0.0.1/webhook',
		webhookWaitingBaseUrl: 'http://127.0.0.1/webhook-waiting',
		webhookTestBaseUrl: 'http://127.0.0.1/webhook-test',
		formWaitingBaseUrl: 'http://127.0.0.1/form-waiting',
		instanceBaseUrl: 'http://127.0.0.1/',
		restApiUrl: 'http://127.0.0.1/rest',
		encryptedRunnerIdentity: undefined,
		currentNodeExecutionIndex: 0,
		evalLlmMockHandler: undefined,
		setExecutionStatus: () => {},
		sendDataToUI: () => {},
	});
	return additionalData;
}

/**
 * Runs `Input → node under test` through n8n's real `WorkflowExecute`, as a manual execution.
 */
export async function runNode(options: RunNodeOptions): Promise<RunNodeResult> {
	await useBinaryMode(options.binaryMode ?? 'default');
	const key = `run-${++runCounter}`;
	inputs.set(key, options.input ?? [{ json: {} }]);

	const inputNode: INode = {
		id: 'input',
		name: 'Input',
		type: 'harnessInput',
		typeVersion: 1,
		position: [0, 0],
		parameters: { key },
	};
	const node: INode = {
		id: 'subject',
		name: 'FormantAI',
		type: options.type ?? 'formantAi',
		typeVersion: options.typeVersion ?? 1,
		position: [200, 0],
		parameters: options.parameters,
		credentials: Object.fromEntries(
			Object.keys(options.credentials).map((type) => [type, { id: type, name: type }]),
		),
		...(options.continueOnFail ? { onError: 'continueRegularOutput' as const } : {}),
		...(options.retryOnFail
			? { retryOnFail: true, maxTries: options.retryOnFail.maxTries, waitBetweenTries: 0 }
			: {}),
	};
	const workflow = new Workflow({
		id: 'harness',
		name: 'Harness',
		nodes: [inputNode, node],
		connections: {
			Input: { main: [[{ node: 'FormantAI', type: NodeConnectionTypes.Main, index: 0 }]] },
		},
		active: false,
		nodeTypes,
		staticData: {},
	});

	const executionId = `exec-${runCounter}`;
	const additionalData = engineAdditionalData({
		executionId,
		mode: 'manual',
		workflow,
		credentialsHelper: new TestCredentialsHelper(options.credentials),
	});

	const runData = createRunExecutionData({
		executionData: {
			nodeExecutionStack: [{ node: inputNode, data: { main: [[{ json: {} }]] }, source: null }],
		},
	});
	const execution = new WorkflowExecute(additionalData, 'manual', runData);
	const promise = execution.processRunExecutionData(workflow);
	options.onStarted?.(() => promise.cancel());
	const run = await promise;
	inputs.delete(key);

	const nodeRuns = run.data.resultData.runData.FormantAI ?? [];
	const last = nodeRuns[nodeRuns.length - 1];
	const items = (last?.data?.main?.[0] ?? []) as INodeExecutionData[];
	return {
		items,
		error: last?.error ?? run.data.resultData.error,
		run,
		binary: async (item, field = 'data') => {
			const data = item.binary?.[field] as IBinaryData | undefined;
			if (!data) throw new Error(`no binary field "${field}" on the item`);
			return await Container.get(BinaryDataService).getAsBuffer(data);
		},
	};
}

/** The credential for the action node, pointed at a simulator or any base URL. */
export function apiCredential(baseUrl: string, apiKey: string): ICredentialDataDecryptedObject {
	return { apiKey, region: 'custom', baseUrl };
}

/** Wednesday 2026-03-18 10:00 UTC (15:30 in Asia/Kolkata). */
export const T0 = Date.parse('2026-03-18T10:00:00Z');

export interface Engine {
	sim: Simulator;
	/** Every wait the node asked for, in ms (no real waiting: the simulator clock moves instead). */
	sleeps: number[];
	run(
		parameters: INodeParameters,
		options?: Partial<Omit<RunNodeOptions, 'parameters' | 'credentials'>> & { input?: InputItem[] },
	): Promise<RunNodeResult>;
	close(): Promise<void>;
}

/** A simulator plus the transport's runtime pointed at its virtual clock. */
export async function startEngine(options: SimulatorOptions = {}): Promise<Engine> {
	const sim = await start({ now: T0, ...options });
	const sleeps: number[] = [];
	runtime.sleep = async (ms) => {
		sleeps.push(ms);
		await sim.clock.advance(ms);
	};
	runtime.now = () => sim.clock.now();
	runtime.random = () => 0.5;
	runtime.requestTimeoutMs = 2_000;
	return {
		sim,
		sleeps,
		run: async (parameters, extra = {}) =>
			await runNode({
				...extra,
				parameters,
				credentials: { formantAiApi: apiCredential(sim.url, sim.apiKey) },
			}),
		close: async () => {
			resetRuntime();
			await sim.close();
		},
	};
}

/** The request the simulator saw for POST /v1/call, in order. */
export function callRequests(sim: Simulator) {
	return sim.log.filter((e) => e.method === 'POST' && e.path === '/v1/call');
}
