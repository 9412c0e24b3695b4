/* eslint-disable @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports, no-console -- e2e tooling that drives real n8n processes, never shipped; prints its measurements */
import { createHash } from 'crypto';
import { mkdtempSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join, resolve } from 'path';

import type { IDataObject } from 'n8n-workflow';

import { startWebhookReceiver, type WebhookReceiver } from '../test/simulator';
import {
	allCallsEnded,
	ensureN8n,
	http,
	nodeOutput,
	packPackage,
	pollUntil,
	triggerPath,
	type ExecutionRecord,
} from './lib';
import {
	driveLoad,
	expectExactlyOnce,
	figures,
	loadWorkflow,
	receivedEventIds,
	STANDARD_LOAD,
	type LoadFigures,
} from './lib/load';
import { startQueue, type QueueTopology } from './lib/queue';
import {
	prepareQueueExamples,
	queueExecutions,
	recordingSha256,
	restSession,
	whereRan,
	RECORDING_BYTES,
	type QueueExamples,
} from './lib/queueExamples';

/**
 * Issue 11 in n8n's queue mode: Postgres 17, Redis, 1 main, 2 webhook processes, 2 workers
 * (concurrency 5), binary data in the database, one user folder and own ports per process.
 */

const SECRET = 'whsec_queue_mode_load';
const LOAD_ID = 'formantaiLoadQ01';

describe('queue mode: 1 main, 2 webhook processes, 2 workers, Postgres 17, Redis', () => {
	const repoRoot = resolve(__dirname, '..');
	let scratch: string;
	let queue: QueueTopology | undefined;
	let counter: WebhookReceiver;
	let examples: QueueExamples | undefined;
	const printed: Record<string, unknown> = {};
	const suiteStarted = Date.now();

	beforeAll(async () => {
		const install = await ensureN8n({ log: (line) => console.log(`[e2e install] ${line}`) });
		scratch = mkdtempSync(join(tmpdir(), 'formantai-e2e-queue-'));
		counter = await startWebhookReceiver();
		counter.respond(() => 200);
		const tarball = await packPackage(repoRoot, scratch);
		const load = loadWorkflow(counter.url, LOAD_ID);
		// The same topology also runs examples 1a, 1b, 3 and 4 (the describe at the end).
		examples = await prepareQueueExamples(SECRET);
		queue = await startQueue({
			install,
			tarball,
			credentials: examples.credentials,
			workflows: [load, ...examples.workflows],
			publish: [load.id, ...examples.publish],
			owner: examples.owner,
			log: (line) => console.log(`[queue bring-up] ${line}`),
		});
		printed['bring-up (s)'] = queue.timings;
		printed['memory after bring-up (MiB)'] = queue.memory();
	});

	afterAll(async () => {
		if (queue) printed['memory at the end (MiB)'] = queue.memory();
		await queue?.stop();
		await counter?.close();
		await examples?.close();
		if (scratch) rmSync(scratch, { recursive: true, force: true });
		printed['whole file (s)'] = Math.round((Date.now() - suiteStarted) / 1000);
		console.log(`[e2e queue measurements]\n${JSON.stringify(printed, null, 2)}`);
	});

	it('exactly once under load: 1,000 signed events + 100 re-sends over both webhook processes, 20 in flight; forged and unsigned refused', async () => {
		const topology = queue!;
		const wf = (
			await topology.postgres.query<{ nodes: Array<{ webhookId?: string }> }>(
				'SELECT nodes FROM workflow_entity WHERE id = $1',
				[LOAD_ID],
			)
		)[0];
		const webhookId = wf.nodes.find((node) => node.webhookId)!.webhookId!;
		const urls = topology.webhookProcesses.map((server) =>
			server.webhookUrl(`${webhookId}/webhook`),
		);
		// Main serves no production webhooks here: a pass could not come from it.
		const load = await driveLoad({
			urls,
			secret: SECRET,
			...STANDARD_LOAD,
			prefix: 'evt_q',
		});
		const finished = await pollUntil(
			'every accepted delivery has a finished execution',
			async () => {
				const rows = await topology.postgres.query<{
					done: string;
					open: string;
					last: string | null;
				}>(
					`SELECT count(*) FILTER (WHERE status NOT IN ('new','running','waiting')) AS done,
					        count(*) FILTER (WHERE status IN ('new','running','waiting')) AS open,
					        max("stoppedAt") AS last
					   FROM execution_entity WHERE "workflowId" = $1`,
					[LOAD_ID],
				);
				const row = rows[0];
				return Number(row.open) === 0 && Number(row.done) >= load.accepted ? row : undefined;
			},
			{ timeoutMs: 15 * 60_000, intervalMs: 1000 },
		);
		const statuses = await topology.postgres.query<{ status: string; n: string }>(
			'SELECT status, count(*) AS n FROM execution_entity WHERE "workflowId" = $1 GROUP BY status',
			[LOAD_ID],
		);
		const received = receivedEventIds(counter.received);
		const result: LoadFigures = figures(
			'queue mode',
			load,
			received,
			Number(finished.done),
			Date.parse(String(finished.last)),
		);
		const workerLines = topology.workers.map(
			(worker) => (worker.logs().match(/Worker started execution/g) ?? []).length,
		);
		printed['load figures'] = {
			...result,
			executionStatuses: statuses,
			executionsStartedPerWorker: workerLines,
		};
		console.log(`[queue load] ${JSON.stringify(printed['load figures'])}`);

		// Claims across workers take turns through the lock in n8n's dedupe store (README, "Queue mode").
		expectExactlyOnce(load, result, Number(finished.done), statuses);
		// Every execution ran on a worker, and both workers took some.
		expect(workerLines.reduce((a, b) => a + b, 0)).toBe(Number(finished.done));
		expect(workerLines.every((n) => n > 0)).toBe(true);
	});

	// Runs after the load case, which counts every execution the workers started as its own.
	describe('examples 1a, 1b, 3 and 4 on the workers, proven by n8n’s own records', () => {
		let started = 0;
		const timings: Record<string, number> = {};
		const ranOn: Record<string, Record<string, number>> = {};
		const facts: Record<string, unknown> = {};
		const phone = (last: string) => `+91984507000${last}`;
		// Outcome by the phone's last digit (the simulator's rule); the branch example 4 takes.
		const leads = [
			['LEAD-7001', 'Anil', phone('0'), 'completed', 'Mark as paid'],
			['LEAD-7002', 'Bina', phone('2'), 'completed', 'Schedule a callback'],
			['LEAD-7003', 'Chetan', phone('5'), 'no_answer', 'Try again tomorrow'],
			['LEAD-7004', 'Divya', phone('6'), 'busy', 'Try again tomorrow'],
			['LEAD-7005', 'Esha', phone('8'), 'unreachable', 'Hand to a person'],
		];
		const finished = async (workflowId: string, count: number): Promise<ExecutionRecord[]> =>
			await pollUntil(
				`${count} finished executions of ${workflowId}`,
				async () => {
					const rows = await queueExecutions(queue!.postgres, workflowId);
					return rows.filter((row) => row.finished || row.status === 'error').length >= count
						? rows
						: undefined;
				},
				{ timeoutMs: 120_000, intervalMs: 500 },
			);
		/** Every execution was started and finished by exactly one worker, enqueued by `enqueuer`. */
		const expectOnWorker = (executionId: string, enqueuer: string): void => {
			const where = whereRan(queue!, executionId);
			expect(where).toEqual({
				enqueuedBy: [enqueuer],
				startedBy: [expect.stringMatching(/^worker \d$/)],
				finishedBy: where.startedBy,
			});
			const byWorker = (ranOn[where.startedBy[0]] ??= {});
			byWorker[enqueuer] = (byWorker[enqueuer] ?? 0) + 1;
		};

		beforeAll(() => {
			started = Date.now();
			const { sim, wf } = examples!;
			const [first, second] = queue!.webhookProcesses;
			// FormantAI's dashboard step: one target per trigger workflow, one per webhook process.
			sim.addWebhookTarget(123, {
				name: 'crm-write-back',
				url: first.webhookUrl(triggerPath(wf('1b-'))),
				secret: SECRET,
			});
			sim.addWebhookTarget(123, {
				name: 'route-outcomes',
				url: second.webhookUrl(triggerPath(wf('4-'))),
				secret: SECRET,
			});
		});

		afterAll(() => {
			printed['examples on workers'] = {
				'seconds per step': timings,
				'executions per worker, by the process that enqueued them': ranOn,
				...facts,
				'examples wall time (s)': Math.round((Date.now() - started) / 1000),
			};
		});

		it('1a, 1b, 4: CRM records over both webhook processes → one call each → every outcome written back once and routed, each execution on a worker', async () => {
			const { sim, crm, wf } = examples!;
			const [call, writeBack, router] = [wf('1a-'), wf('1b-'), wf('4-')];
			const processes = queue!.webhookProcesses;
			// One at a time: each outcome has run before the next CRM record arrives.
			for (const [index, [leadId, name, number]] of leads.entries()) {
				const sent = Date.now();
				const answer = await http(
					processes[index % 2].webhookUrl('formantai-new-crm-record'),
					'POST',
					{ lead_id: leadId, name, phone: number, amount_due: '1000' },
				);
				expect(answer).toMatchObject({ status: 200, body: { message: 'Workflow was started' } });
				for (const workflow of [call, writeBack, router]) await finished(workflow.id, index + 1);
				timings[`CRM record ${leadId} → call → outcome written back and routed`] =
					(Date.now() - sent) / 1000;
			}
			await allCallsEnded(sim, 'the 5 calls ended');
			await sim.flush();

			// Each call placed exactly once, with the lead's key.
			expect(
				sim.callsPlaced().map((placed) => [placed.agent_id, placed.phone, placed.idempotency_key]),
			).toEqual(leads.map(([leadId, , number]) => [123, number, `crm-${leadId}`]));
			expect(sim.log.filter((entry) => entry.path === '/v1/call')).toHaveLength(leads.length);

			// 10 events (5 calls × 2 targets), each delivered once and accepted.
			expect(sim.deliveries).toHaveLength(2 * leads.length);
			expect(new Set(sim.deliveries.map((d) => d.event_id)).size).toBe(2 * leads.length);
			expect(sim.deliveries.every((d) => d.ok && d.attempt === 1 && !d.redelivery)).toBe(true);
			for (const target of ['crm-write-back', 'route-outcomes'])
				expect(sim.deliveries.filter((d) => d.target === target)).toHaveLength(leads.length);
			// Example 1b wrote each outcome back to the CRM once.
			expect(
				crm.received.map((request) => {
					const body = request.body as IDataObject;
					return [body.lead_id, body.call_status];
				}),
			).toEqual(leads.map(([leadId, , , status]) => [leadId, status]));

			const executions = await Promise.all(
				[call, writeBack, router].map(
					async (workflow) => await queueExecutions(queue!.postgres, workflow.id, true),
				),
			);
			for (const rows of executions) {
				expect(rows.map((row) => [row.mode, row.status])).toEqual(
					leads.map(() => ['webhook', 'success']),
				);
			}
			// Example 4 sent each outcome down its branch, with the signature verified.
			const branches = [...new Set(leads.map((lead) => lead[4]))];
			expect(
				executions[2].map((execution) => {
					const [item] = nodeOutput(execution.data!, 'FormantAI Trigger');
					return [
						item.json.param_lead_id,
						branches.filter((branch) => nodeOutput(execution.data!, branch).length > 0),
						item.json.signature_verified,
					];
				}),
			).toEqual(leads.map(([leadId, , , , branch]) => [leadId, [branch], true]));

			// Where they ran: enqueued by the webhook process that took the request, run by a worker.
			executions[0].forEach((row, index) => expectOnWorker(row.id, `webhook ${(index % 2) + 1}`));
			for (const row of executions[1]) expectOnWorker(row.id, 'webhook 1');
			for (const row of executions[2]) expectOnWorker(row.id, 'webhook 2');
		});

		it('3: a manual run, offloaded by main to a worker, stores each recording in Postgres (binary_data) and uploads the same bytes for transcription', async () => {
			const { sim, wf, owner } = examples!;
			const transcribe = wf('3-');
			await allCallsEnded(sim, 'calls of example 1a ended');
			const completed = [...sim.state.conversations.values()]
				.filter((conversation) => conversation.status === 'completed')
				.map((conversation) => `${conversation.conversation_id}.wav`)
				.sort();
			expect(completed).toHaveLength(2);

			const sent = Date.now();
			const rest = await restSession(queue!.main, owner);
			const run = await rest('POST', `/rest/workflows/${transcribe.id}/run`, {
				triggerToStartFrom: { name: 'Run now' },
			});
			expect(run.status).toBe(200);
			const executionId = String((run.body as { data: { executionId: string } }).data.executionId);
			await finished(transcribe.id, 1);
			timings['example 3 (2 recordings), run request → success'] = (Date.now() - sent) / 1000;

			const [execution] = await queueExecutions(queue!.postgres, transcribe.id, true);
			expect(execution).toMatchObject({ id: executionId, mode: 'manual', status: 'success' });
			expectOnWorker(executionId, 'main');

			// The recordings in the run data are references to rows of Postgres' binary_data.
			const recordings = nodeOutput(execution.data!, 'Download recording').map(
				(item) => item.binary!.data,
			);
			expect(recordings.map((binary) => binary.fileName).sort()).toEqual(completed);
			const stored = await queue!.postgres.query<{
				fileId: string;
				sourceType: string;
				sourceId: string;
				fileName: string;
				mimeType: string;
				length: number;
				sha256: string;
			}>(
				`SELECT "fileId", "sourceType", "sourceId", "fileName", "mimeType",
				        length(data) AS length, encode(sha256(data), 'hex') AS sha256
				   FROM binary_data WHERE "sourceId" = $1`,
				[executionId],
			);
			const recording = await recordingSha256();
			for (const binary of recordings) {
				expect(binary.id).toMatch(/^database:/);
				const row = stored.find((candidate) => binary.id!.endsWith(candidate.fileId));
				expect(row).toEqual({
					fileId: expect.any(String),
					sourceType: 'execution',
					sourceId: executionId,
					fileName: binary.fileName,
					mimeType: 'audio/wav',
					length: RECORDING_BYTES,
					sha256: recording,
				});
				// Main serves the same bytes back from the database.
				const download = await rest(
					'GET',
					`/rest/binary-data?id=${encodeURIComponent(binary.id!)}&action=download`,
				);
				expect(download.status).toBe(200);
				expect(createHash('sha256').update(download.raw).digest('hex')).toBe(recording);
			}

			// FormantAI received each recording once, byte for byte, and transcribed it.
			expect(
				sim.log.filter(
					(entry) => entry.method === 'POST' && entry.path === '/v1/transcription/jobs',
				),
			).toHaveLength(2);
			expect(
				[...sim.state.jobs.values()].map((job) => [job.filename, job.size, job.sha256]).sort(),
			).toEqual(completed.map((file) => [file, RECORDING_BYTES, recording]));
			const transcripts = nodeOutput(execution.data!, 'Transcribe').map((item) => item.json);
			expect(transcripts.map((transcript) => transcript.status)).toEqual([
				'completed',
				'completed',
			]);
			facts['binary_data rows of the example 3 execution'] = stored.length;
		});
	});
});
