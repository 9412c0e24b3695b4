import { WorkflowExecute } from 'n8n-core';
import type {
	ExecutionError,
	ICredentialDataDecryptedObject,
	IDataObject,
	IExecuteFunctions,
	INode,
	INodeExecutionData,
	INodeParameters,
	INodeType,
	INodeTypes,
	IRun,
	IRunExecutionData,
	WorkflowExecuteMode,
} from 'n8n-workflow';
import { createRunExecutionData, NodeConnectionTypes, Workflow } from 'n8n-workflow';

import { FormantAi } from '../../nodes/FormantAi/FormantAi.node';
import { engineAdditionalData } from '../harness';
import { TestCredentialsHelper } from '../harness/credentials';

/**
 * One execution of `Input → FormantAI` through n8n's WorkflowExecute, kept so a test can do
 * what n8n does next with the same execution:
 * - `retry()`: n8n's Retry of a failed execution (ExecutionService.retry in n8n 2.41.1): the
 *   execution's saved data, read back as JSON (as from the database, on another worker), its
 *   error and the failed node's last run dropped, run again in `retry` mode by a new Workflow;
 * - `invokeAgain()`: the node runs once more in the same execution, as when an AI agent calls
 *   it as a tool again (the execution's data, context included, carries over).
 */

/** Input items as JSON; a `csv` field becomes the item's binary file `data`. */
class ItemsInput implements INodeType {
	description = {
		displayName: 'Items Input',
		name: 'itemsInput',
		group: ['input'],
		version: 1,
		description: 'Emits the test items',
		defaults: { name: 'Input' },
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		properties: [{ displayName: 'Items', name: 'items', type: 'json', default: '[]' }],
	} as INodeType['description'];

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const items = JSON.parse(this.getNodeParameter('items', 0) as string) as IDataObject[];
		const out: INodeExecutionData[] = [];
		for (const json of items) {
			const item: INodeExecutionData = { json, pairedItem: { item: 0 } };
			if (typeof json.csv === 'string') {
				const file = await this.helpers.prepareBinaryData(Buffer.from(json.csv), 'rows.csv');
				item.binary = { data: file };
			}
			out.push(item);
		}
		return [out];
	}
}

const types: Record<string, INodeType> = {
	itemsInput: new ItemsInput(),
	formantAi: new FormantAi(),
	formantAiTool: new FormantAi(),
};

const nodeTypes: INodeTypes = {
	getByName: (name: string) => types[name],
	getByNameAndVersion: (name: string) => types[name],
	getKnownTypes: () => ({}),
};

export interface Outcome {
	/** Items of the node's last run. */
	items: INodeExecutionData[];
	error?: ExecutionError;
	run: IRun;
}

export interface ExecutionOptions {
	parameters: INodeParameters;
	credentials: Record<string, ICredentialDataDecryptedObject>;
	/** `formantAiTool` runs the node as n8n runs it for an AI agent. */
	type?: string;
	continueOnFail?: boolean;
}

let executions = 0;

export class Execution {
	private data: IRunExecutionData | undefined;

	private readonly input: INode;

	private readonly subject: INode;

	constructor(private readonly options: ExecutionOptions) {
		this.input = {
			id: 'input',
			name: 'Input',
			type: 'itemsInput',
			typeVersion: 1,
			position: [0, 0],
			parameters: { items: '[]' },
		};
		this.subject = {
			id: 'subject',
			name: 'FormantAI',
			type: options.type ?? 'formantAi',
			typeVersion: 1,
			position: [200, 0],
			parameters: options.parameters,
			credentials: Object.fromEntries(
				Object.keys(options.credentials).map((type) => [type, { id: type, name: type }]),
			),
			...(options.continueOnFail ? { onError: 'continueRegularOutput' as const } : {}),
		};
	}

	private workflow(items: IDataObject[]): Workflow {
		return new Workflow({
			id: 'execution-test',
			name: 'Execution test',
			nodes: [{ ...this.input, parameters: { items: JSON.stringify(items) } }, this.subject],
			connections: {
				Input: { main: [[{ node: 'FormantAI', type: NodeConnectionTypes.Main, index: 0 }]] },
			},
			active: false,
			nodeTypes,
			staticData: {},
		});
	}

	private async execute(
		workflow: Workflow,
		data: IRunExecutionData,
		mode: WorkflowExecuteMode,
	): Promise<Outcome> {
		const additionalData = engineAdditionalData({
			executionId: `execution-${++executions}`,
			mode,
			workflow,
			credentialsHelper: new TestCredentialsHelper(this.options.credentials),
		});
		const run = await new WorkflowExecute(additionalData, mode, data).processRunExecutionData(
			workflow,
		);
		this.data = run.data;
		const runs = run.data.resultData.runData.FormantAI ?? [];
		const last = runs[runs.length - 1];
		return {
			items: (last?.data?.main?.[0] ?? []) as INodeExecutionData[],
			error: last?.error ?? run.data.resultData.error,
			run,
		};
	}

	/** The first run: the items go through the node. */
	async start(items: IDataObject[]): Promise<Outcome> {
		const workflow = this.workflow(items);
		const input = workflow.getNode('Input')!;
		const data = createRunExecutionData({
			executionData: {
				nodeExecutionStack: [{ node: input, data: { main: [[{ json: {} }]] }, source: null }],
			},
		});
		return await this.execute(workflow, data, 'manual');
	}

	/** n8n's Retry of this (failed) execution, from its saved data. */
	async retry(): Promise<Outcome> {
		if (!this.data) throw new Error('start() first');
		const saved = JSON.parse(JSON.stringify(this.data)) as IRunExecutionData;
		const { lastNodeExecuted } = saved.resultData;
		if (lastNodeExecuted) {
			delete saved.resultData.error;
			const runs = saved.resultData.runData[lastNodeExecuted];
			if (runs?.length && runs[runs.length - 1].error !== undefined) runs.pop();
		}
		return await this.execute(this.workflow([]), saved, 'retry');
	}

	/** The node runs again in this execution with new input (an AI agent's next tool call). */
	async invokeAgain(items: IDataObject[]): Promise<Outcome> {
		if (!this.data) throw new Error('start() first');
		const data = this.data;
		data.executionData!.nodeExecutionStack = [
			{
				node: this.subject,
				data: { main: [items.map((json) => ({ json, pairedItem: { item: 0 } }))] },
				source: { main: [{ previousNode: 'Input' }] },
			},
		];
		delete data.resultData.error;
		return await this.execute(this.workflow([]), data, 'manual');
	}

	/** The node's execution context as the execution holds it. */
	context(): IDataObject {
		return (this.data?.executionData?.contextData['node:FormantAI'] ?? {}) as IDataObject;
	}
}
