/* eslint-disable @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports, no-console -- e2e tooling that drives real n8n processes in queue mode, never shipped; prints its measurements */
import { mkdtempSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join, resolve } from 'path';

import type { IDataObject } from 'n8n-workflow';

import { start as startSimulator, type Simulator } from '../test/simulator';
import { ensureN8n, exampleCredentials, nodeOutput, packPackage } from './lib';
import { startQueue, type QueueTopology } from './lib/queue';
import { queueExecutions, whereRan } from './lib/queueExamples';
import {
	callsWorkflow,
	campaignsWorkflow,
	endedExecution,
	queueRest,
	workerNamed,
	workerThatRan,
	type Execution,
} from './lib/retryQueue';

/**
 * n8n's Retry of a failed execution in queue mode (issue 21 §3): the Retry runs on the other
 * worker, where nothing the first worker held in memory exists. n8n does not let a Retry choose
 * its worker, so the worker that ran the failed execution is stopped before the Retry: the
 * remaining one must take it (Bull hands a job to whichever worker asks). Which worker ran each
 * execution is read from their logs (`Worker started execution <id>`).
 */

const OWNER = { email: 'retry-queue@formantai.test', password: 'Retry-queue-1' };
const PHONES = [
	'+919845040001',
	'+919845040002',
	'+919845040003',
	'+919845040004',
	'+919845040005',
];
const UNKNOWN_AGENT = 999;
const CALLS_ID = 'e2eQueueRetry01';
const CAMPAIGNS_ID = 'e2eQueueRetry02';
const CAMPAIGNS = [
	{ name: 'Retry queue campaign A', csv: 'customer_phone,customer_name\n+919845041001,Asha\n' },
	{ name: 'Retry queue campaign B', csv: 'customer_phone,customer_name\n+919845042001,Bala\n' },
];

describe("queue mode: n8n's Retry of a failed execution on the other worker", () => {
	const repoRoot = resolve(__dirname, '..');
	const agents = [123];
	let scratch: string;
	let sim: Simulator;
	let queue: QueueTopology | undefined;
	let rest: Awaited<ReturnType<typeof queueRest>>;
	const printed: Record<string, unknown> = {};
	const seconds: Record<string, number> = {};
	const suiteStarted = Date.now();
	const timed = async <T>(label: string, work: () => Promise<T>): Promise<T> => {
		const started = Date.now();
		try {
			return await work();
		} finally {
			seconds[label] = (Date.now() - started) / 1000;
		}
	};

	beforeAll(async () => {
		const install = await ensureN8n({ log: (line) => console.log(`[e2e install] ${line}`) });
		scratch = mkdtempSync(join(tmpdir(), 'formantai-e2e-retry-queue-'));
		// A virtual clock that nobody advances: calls and campaigns are created, never dialled on.
		sim = await startSimulator({ agents });
		const tarball = await packPackage(repoRoot, scratch);
		queue = await startQueue({
			install,
			tarball,
			credentials: exampleCredentials({
				baseUrl: sim.url,
				apiKey: sim.apiKey,
				webhookSecret: sim.webhookSecret,
			}),
			workflows: [
				callsWorkflow(
					CALLS_ID,
					PHONES.map((phone, index) => ({ phone, agent: index === 3 ? UNKNOWN_AGENT : 123 })),
				),
				campaignsWorkflow(CAMPAIGNS_ID, CAMPAIGNS),
			],
			publish: [],
			webhooks: 1,
			workers: 2,
			owner: OWNER,
			log: (line) => console.log(`[retry-queue bring-up] ${line}`),
		});
		printed['bring-up (s)'] = queue.timings;
		rest = await queueRest(queue, OWNER);
	});

	afterAll(async () => {
		if (queue) printed['memory at the end (MiB)'] = queue.memory();
		await queue?.stop();
		await sim?.close();
		if (scratch) rmSync(scratch, { recursive: true, force: true });
		printed['seconds per step'] = seconds;
		printed['whole file (s)'] = Math.round((Date.now() - suiteStarted) / 1000);
		console.log(`[e2e retry-queue measurements]\n${JSON.stringify(printed, null, 2)}`);
	});

	/** Stops the worker that ran `executionId`; the other live worker is the one left. */
	const stopWorkerThatRan = async (executionId: string): Promise<string> => {
		const name = workerThatRan(queue!, executionId);
		await timed(`stop ${name}`, async () => await workerNamed(queue!, name).stop(30_000));
		return name;
	};

	/** Retries `failed` and returns the new execution (mode retry) once it has ended. */
	const retryOf = async (workflowId: string, failed: Execution): Promise<Execution> => {
		const answer = await timed(`Retry of ${workflowId}`, async () => await rest.retry(failed.id));
		expect(answer.status).toBe(200);
		const executions = await queueExecutions(queue!.postgres, workflowId);
		const retried = executions.filter((row) => row.mode === 'retry');
		expect(retried).toHaveLength(1);
		return await endedExecution(queue!, workflowId, retried[0].id);
	};

	/** [customer_phone, idempotency_key] of every POST /v1/call the simulator received, in order. */
	const callRequests = () =>
		sim.log
			.filter((entry) => entry.method === 'POST' && entry.path === '/v1/call')
			.map((entry) => {
				const body = entry.body as IDataObject;
				const parameters = body.parameters as Array<{ name: string; value: string }>;
				return [
					parameters.find((parameter) => parameter.name === 'customer_phone')?.value,
					body.idempotency_key,
				];
			});

	it('Call → Create: 5 calls, FormantAI refuses the 4th; the Retry on the other worker dials only the 4th and 5th, and items 0–2 come out as placed', async () => {
		const firstId = await rest.run(CALLS_ID);
		const first = await timed(
			'calls: run → failed',
			async () => await endedExecution(queue!, CALLS_ID, firstId),
		);
		expect(first.status).toBe('error');
		expect(first.data?.resultData.error?.message).toBe('agent not found');
		expect(sim.callsPlaced().map((call) => call.phone)).toEqual(PHONES.slice(0, 3));
		const placedFirst = sim.callsPlaced();
		const requestsBefore = callRequests().length;

		// FormantAI now knows the agent (the cause of the failure was fixed).
		agents.push(UNKNOWN_AGENT);
		const firstWorker = await stopWorkerThatRan(firstId);
		const retried = await retryOf(CALLS_ID, first);

		const where = whereRan(queue!, retried.id);
		expect(where.enqueuedBy).toEqual(['main']);
		expect(where.startedBy).toHaveLength(1);
		expect(where.startedBy).not.toContain(firstWorker);
		printed.calls = { 'first run on': firstWorker, 'Retry on': where.startedBy[0] };
		expect(retried).toMatchObject({ mode: 'retry', status: 'success' });

		// Nobody was dialled twice: five numbers, five calls. Whatever the Retry sent FormantAI for
		// items 0–3 carried the keys of the first try (the worker that made them is gone).
		expect(sim.callsPlaced().map((call) => call.phone)).toEqual(PHONES);
		const firstKeys = new Map(callRequests().slice(0, requestsBefore) as Array<[string, string]>);
		const retryRequests = callRequests().slice(requestsBefore);
		printed['POST /v1/call of the Retry'] = retryRequests.length;
		for (const [phone, key] of retryRequests) {
			if (phone !== PHONES[4]) expect(key).toBe(firstKeys.get(phone as string));
		}

		// Items 0–2 carry the calls the first run placed (FormantAI's answer to a new call has a
		// trace_id; its conversation_id comes later); 3 and 4 the calls placed now.
		const output = nodeOutput(retried.data!, 'Call').map((item) => item.json);
		printed['Call items of the Retry'] = output;
		const placed = sim.callsPlaced();
		expect(output.map((json) => [json.customer_phone, json.trace_id])).toEqual(
			placed.map((call) => [call.phone, call.trace_id]),
		);
		expect(placed.slice(0, 3)).toEqual(placedFirst);
		expect(output.map((json) => json.duplicate === true)).toEqual([true, true, true, false, false]);
	});

	it('Batch → Create: 2 campaigns, the answer to the 2nd upload lost; the Retry on the other worker uploads neither again and says how to check the 2nd', async () => {
		// One more worker, so that two are running again (the first case stopped one).
		await timed('add a worker', async () => await queue!.addWorker());
		// FormantAI creates the 2nd campaign, then the connection drops before its answer.
		sim.faults.add({ method: 'POST', path: '/v1/batch-call', kind: 'reset', after: true, skip: 1 });
		const uploads = () =>
			sim.log
				.filter((entry) => entry.method === 'POST' && entry.path === '/v1/batch-call')
				.map((entry) => (entry.body as { fields?: IDataObject })?.fields?.name);
		const campaigns = () => [...sim.state.batches.values()].map((batch) => batch.name);

		const firstId = await rest.run(CAMPAIGNS_ID);
		const first = await timed(
			'campaigns: run → failed',
			async () => await endedExecution(queue!, CAMPAIGNS_ID, firstId),
		);
		expect(first.status).toBe('error');
		expect(campaigns()).toEqual(CAMPAIGNS.map((campaign) => campaign.name));
		expect(uploads()).toEqual(CAMPAIGNS.map((campaign) => campaign.name));

		const firstWorker = await stopWorkerThatRan(firstId);
		const retried = await retryOf(CAMPAIGNS_ID, first);
		const where = whereRan(queue!, retried.id);
		expect(where.enqueuedBy).toEqual(['main']);
		expect(where.startedBy).toHaveLength(1);
		expect(where.startedBy).not.toContain(firstWorker);
		printed.campaigns = {
			'first run on': firstWorker,
			'Retry on': where.startedBy[0],
			'Retry status': retried.status,
			'Retry error': retried.data?.resultData.error
				? {
						message: retried.data.resultData.error.message,
						description: retried.data.resultData.error.description,
					}
				: null,
		};

		// Neither campaign was uploaded again: FormantAI calls each row once.
		expect(uploads()).toEqual(CAMPAIGNS.map((campaign) => campaign.name));
		expect(campaigns()).toEqual(CAMPAIGNS.map((campaign) => campaign.name));

		// The 2nd campaign's fate is unknown to the node: it fails and says how to check it.
		expect(retried).toMatchObject({ mode: 'retry', status: 'error' });
		const error = retried.data!.resultData.error!;
		const told = `${error.message} ${error.description ?? ''}`;
		expect(told).toContain(CAMPAIGNS[1].name);
		expect(told).toContain('Get Many');
	});
});
