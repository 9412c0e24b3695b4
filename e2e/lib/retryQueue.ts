import type { IDataObject, IRun } from 'n8n-workflow';

import type { WorkflowImport } from './cli';
import { EXAMPLE_CREDENTIALS } from './examples';
import { pollUntil } from './proc';
import type { QueueTopology } from './queue';
import { queueExecutions, restSession, whereRan } from './queueExamples';
import type { N8nServer } from './server';

/**
 * The two workflows of `retryQueue.e2e.test.ts` and the steps it takes on a queue-mode topology:
 * run a workflow through main's REST API, wait for its execution, Retry it, and tell which worker
 * ran what.
 */

const credentials = {
	formantAiApi: { id: EXAMPLE_CREDENTIALS.api.id, name: EXAMPLE_CREDENTIALS.api.name },
};
const trigger = {
	id: 'q1',
	name: 'Start',
	type: 'n8n-nodes-base.manualTrigger',
	typeVersion: 1,
	position: [0, 0] as [number, number],
	parameters: {},
};
const rows = (json: IDataObject) => ({
	id: 'q2',
	name: 'Rows',
	type: 'n8n-nodes-base.set',
	typeVersion: 3.4,
	position: [200, 0] as [number, number],
	parameters: { mode: 'raw', jsonOutput: JSON.stringify(json), options: {} },
});
const splitOut = {
	id: 'q3',
	name: 'One item per row',
	type: 'n8n-nodes-base.splitOut',
	typeVersion: 1,
	position: [400, 0] as [number, number],
	parameters: { fieldToSplitOut: 'rows', options: {} },
};

/** Manual Trigger → five rows → Call → Create (Automatic idempotency key), one call per item. */
export function callsWorkflow(
	id: string,
	calls: Array<{ phone: string; agent: number }>,
): WorkflowImport {
	return {
		id,
		name: 'E2E queue retry: five calls, the fourth refused',
		nodes: [
			trigger,
			rows({ rows: calls }),
			splitOut,
			{
				id: 'q4',
				name: 'Call',
				type: 'n8n-nodes-formantai.formantAi',
				typeVersion: 1,
				position: [600, 0],
				parameters: {
					resource: 'call',
					operation: 'create',
					agentId: '={{ $json.agent }}',
					customerPhone: '={{ $json.phone }}',
				},
				credentials,
			},
		],
		connections: {
			Start: { main: [[{ node: 'Rows', type: 'main', index: 0 }]] },
			Rows: { main: [[{ node: 'One item per row', type: 'main', index: 0 }]] },
			'One item per row': { main: [[{ node: 'Call', type: 'main', index: 0 }]] },
		},
	};
}

/** Manual Trigger → one item per campaign with its CSV as a file → Batch → Create (CSV File). */
export function campaignsWorkflow(
	id: string,
	campaigns: Array<{ name: string; csv: string }>,
): WorkflowImport {
	return {
		id,
		name: 'E2E queue retry: two campaigns, the answer to the second lost',
		nodes: [
			trigger,
			rows({ rows: campaigns }),
			splitOut,
			{
				id: 'q4',
				name: 'CSV file',
				type: 'n8n-nodes-base.convertToFile',
				typeVersion: 1.1,
				position: [600, 0],
				parameters: {
					operation: 'toText',
					sourceProperty: 'csv',
					binaryPropertyName: 'data',
					options: { fileName: 'campaign.csv' },
				},
			},
			{
				id: 'q5',
				name: 'Campaign',
				type: 'n8n-nodes-formantai.formantAi',
				typeVersion: 1,
				position: [800, 0],
				parameters: {
					resource: 'batch',
					operation: 'create',
					campaignName: "={{ $('One item per row').item.json.name }}",
					agentId: 123,
					source: 'binaryFile',
					binaryPropertyName: 'data',
				},
				credentials,
			},
		],
		connections: {
			Start: { main: [[{ node: 'Rows', type: 'main', index: 0 }]] },
			Rows: { main: [[{ node: 'One item per row', type: 'main', index: 0 }]] },
			'One item per row': { main: [[{ node: 'CSV file', type: 'main', index: 0 }]] },
			'CSV file': { main: [[{ node: 'Campaign', type: 'main', index: 0 }]] },
		},
	};
}

export type Execution = Awaited<ReturnType<typeof queueExecutions>>[number] & {
	data?: IRun['data'];
};

/** Waits until the execution has ended (any status but new/running/waiting); with its run data. */
export async function endedExecution(
	topology: QueueTopology,
	workflowId: string,
	executionId: string,
): Promise<Execution> {
	return await pollUntil(
		`execution ${executionId} ended`,
		async () => {
			const rows = (await queueExecutions(topology.postgres, workflowId, true)) as Execution[];
			const row = rows.find((candidate) => candidate.id === executionId);
			return row && !['new', 'running', 'waiting'].includes(row.status) ? row : undefined;
		},
		{ timeoutMs: 300_000, intervalMs: 500 },
	);
}

/** Main's REST API as the owner: a manual run (main enqueues it) and n8n's Retry. */
export async function queueRest(
	topology: QueueTopology,
	owner: { email: string; password: string },
) {
	const rest = await restSession(topology.main, owner);
	return {
		/** `POST /rest/workflows/<id>/run` from the Manual Trigger: the new execution's ID. */
		run: async (workflowId: string): Promise<string> => {
			const answer = await rest('POST', `/rest/workflows/${workflowId}/run`, {
				triggerToStartFrom: { name: 'Start' },
			});
			if (answer.status !== 200) throw new Error(`run ${workflowId}: HTTP ${answer.status}`);
			return String((answer.body as { data: { executionId: string } }).data.executionId);
		},
		/**
		 * The executions list's "Retry with original workflow": answers once the new execution
		 * (mode `retry`) has ended; its ID is read from the database afterwards.
		 */
		retry: async (executionId: string) =>
			await rest('POST', `/rest/executions/${executionId}/retry`, { loadWorkflow: false }),
	};
}

/** The one worker that ran an execution, by its name in `whereRan` (`worker 1`, `worker 2`, …). */
export function workerThatRan(topology: QueueTopology, executionId: string): string {
	const where = whereRan(topology, executionId);
	if (where.startedBy.length !== 1)
		throw new Error(`execution ${executionId} started on ${where.startedBy.length} workers`);
	return where.startedBy[0];
}

/** The worker process behind a `whereRan` name. */
export function workerNamed(topology: QueueTopology, name: string): N8nServer {
	const worker = topology.workers[Number(name.replace('worker ', '')) - 1];
	if (!worker) throw new Error(`no ${name}`);
	return worker;
}
