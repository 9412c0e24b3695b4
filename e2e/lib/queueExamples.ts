import { createHash } from 'crypto';

import type { IRun } from 'n8n-workflow';

import {
	start as startSimulator,
	startWebhookReceiver,
	type Simulator,
	type WebhookReceiver,
} from '../../test/simulator';
import { wavSize, wavStream } from '../../test/simulator/wav';
import type { CredentialImport, WorkflowImport } from './cli';
import type { ExecutionRecord } from './db';
import {
	example,
	exampleCredentials,
	examplesWithCrm,
	loadExamples,
	type Example,
} from './examples';
import { http } from './http';
import type { Postgres } from './postgres';
import type { QueueTopology } from './queue';
import type { N8nServer } from './server';

/**
 * Examples 1a, 1b, 3 and 4 in the queue-mode topology (e2e/lib/queue.ts): the simulator and a CRM
 * receiver on loopback, the workflows to import and publish, and n8n's own records of where each
 * execution ran.
 */

export const RECORDING_BYTES = 48_000;
/** The examples that run in queue mode; 1a, 1b and 4 have production webhooks. */
const QUEUE_EXAMPLES = ['1a-', '1b-', '3-', '4-'];
const PUBLISHED = ['1a-', '1b-', '4-'];

export interface QueueExamples {
	sim: Simulator;
	/** Stands in for the CRM that example 1b writes each outcome back to. */
	crm: WebhookReceiver;
	wf(prefix: string): Example['workflow'];
	credentials: CredentialImport[];
	workflows: WorkflowImport[];
	publish: string[];
	/** main's owner account, for the REST call that runs example 3 (manual trigger). */
	owner: { email: string; password: string };
	close(): Promise<void>;
}

/** The simulator signs with `webhookSecret`, the secret in the examples' webhook credential. */
export async function prepareQueueExamples(webhookSecret: string): Promise<QueueExamples> {
	// Short virtual durations on a real-time clock: calls end and recordings appear within seconds.
	const sim = await startSimulator({
		realTime: true,
		callDurationMs: 1500,
		recordingDelayMs: 500,
		transcriptionDelayMs: 1000,
		recordingBytes: RECORDING_BYTES,
		webhookSecret,
	});
	const crm = await startWebhookReceiver();
	crm.respond(() => 200);
	const examples = loadExamples().filter((item) =>
		QUEUE_EXAMPLES.some((prefix) => item.file.startsWith(prefix)),
	);
	const wf = (prefix: string) => example(examples, prefix);
	return {
		sim,
		crm,
		wf,
		credentials: exampleCredentials({ baseUrl: sim.url, apiKey: sim.apiKey, webhookSecret }),
		workflows: examplesWithCrm(examples, crm.url),
		publish: PUBLISHED.map((prefix) => wf(prefix).id),
		owner: { email: 'queue-owner@formantai.test', password: 'Queue-examples-1' },
		close: async () => {
			await sim.close();
			await crm.close();
		},
	};
}

/** SHA-256 (hex) of the recording the simulator serves for every completed call. */
export async function recordingSha256(): Promise<string> {
	const hash = createHash('sha256');
	for await (const chunk of wavStream(wavSize(RECORDING_BYTES))) hash.update(chunk as Buffer);
	return hash.digest('hex');
}

/** Executions of a workflow from n8n's Postgres, oldest first (run data with `includeData`). */
export async function queueExecutions(
	postgres: Postgres,
	workflowId: string,
	includeData = false,
): Promise<ExecutionRecord[]> {
	const rows = await postgres.query<ExecutionRecord & { data?: IRun['data'] }>(
		`SELECT e.id::text AS id, e."workflowId", e.status, e.mode, e.finished,
		        e."startedAt", e."stoppedAt"${includeData ? ', d.data' : ''}
		   FROM execution_entity e
		   ${includeData ? 'LEFT JOIN execution_data d ON d."executionId" = e.id' : ''}
		  WHERE e."workflowId" = $1 ORDER BY e.id`,
		[workflowId],
		includeData ? ['data'] : [],
	);
	return rows;
}

/** Which processes' logs record an execution: n8n has no "ran on" column, its logs say it. */
export interface WhereRan {
	/** Processes that logged `Enqueued execution <id>` (the webhook process or main). */
	enqueuedBy: string[];
	/** Processes that logged `Worker started execution <id>` / `Worker finished execution <id>`. */
	startedBy: string[];
	finishedBy: string[];
}

export function whereRan(topology: QueueTopology, executionId: string): WhereRan {
	const processes: Array<[string, N8nServer]> = [
		['main', topology.main],
		...topology.webhookProcesses.map((server, i): [string, N8nServer] => [
			`webhook ${i + 1}`,
			server,
		]),
		...topology.workers.map((server, i): [string, N8nServer] => [`worker ${i + 1}`, server]),
	];
	const logged = (text: string): string[] =>
		processes.filter(([, server]) => server.logs().includes(text)).map(([name]) => name);
	return {
		enqueuedBy: logged(`Enqueued execution ${executionId} (job `),
		startedBy: logged(`Worker started execution ${executionId} (job `),
		finishedBy: logged(`Worker finished execution ${executionId} (job `),
	};
}

/** Signs in to main's REST API as the owner; the answer is a caller that keeps the session. */
export async function restSession(
	main: N8nServer,
	owner: { email: string; password: string },
): Promise<(method: string, path: string, body?: unknown) => ReturnType<typeof http>> {
	// n8n ties the session cookie to a browser id that every call must repeat.
	const browser = { 'browser-id': 'formantai-e2e-queue' };
	const login = await http(
		`${main.url}/rest/login`,
		'POST',
		{ emailOrLdapLoginId: owner.email, password: owner.password },
		browser,
	);
	if (login.status !== 200) throw new Error(`login on main: HTTP ${login.status}`);
	const cookie = ([] as string[])
		.concat(login.headers['set-cookie'] ?? [])
		.map((value) => value.split(';')[0])
		.join('; ');
	return async (method, path, body) =>
		await http(`${main.url}${path}`, method, body, { ...browser, cookie }, 120_000);
}
