/* eslint-disable @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports, no-console -- e2e tooling that drives real n8n processes, never shipped; prints its measurements */
import { mkdtempSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join, resolve } from 'path';

import { startWebhookReceiver, type WebhookReceiver } from '../test/simulator';
import { ensureN8n, exampleCredentials, packPackage, pollUntil } from './lib';
import { driveLoad, figures, loadWorkflow, notRefused, type LoadFigures } from './lib/load';
import { startQueue, type QueueTopology } from './lib/queue';

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
	const printed: Record<string, unknown> = {};
	const suiteStarted = Date.now();

	beforeAll(async () => {
		const install = await ensureN8n({ log: (line) => console.log(`[e2e install] ${line}`) });
		scratch = mkdtempSync(join(tmpdir(), 'formantai-e2e-queue-'));
		counter = await startWebhookReceiver();
		counter.respond(() => 200);
		const tarball = await packPackage(repoRoot, scratch);
		const load = loadWorkflow(counter.url, LOAD_ID);
		queue = await startQueue({
			install,
			tarball,
			credentials: exampleCredentials({
				baseUrl: 'http://127.0.0.1:9',
				apiKey: 'unused',
				webhookSecret: SECRET,
			}),
			workflows: [load],
			publish: [load.id],
			log: (line) => console.log(`[queue bring-up] ${line}`),
		});
		printed['bring-up (s)'] = queue.timings;
		printed['memory after bring-up (MiB)'] = queue.memory();
	});

	afterAll(async () => {
		if (queue) printed['memory at the end (MiB)'] = queue.memory();
		await queue?.stop();
		await counter?.close();
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
			events: 1000,
			resends: 100,
			forged: 10,
			unsigned: 10,
			inFlight: 20,
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
		const received = counter.received.map((request) =>
			String((request.body as { event_id?: string })?.event_id),
		);
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

		expect(notRefused(load.forgedStatuses)).toEqual({});
		expect(notRefused(load.unsignedStatuses)).toEqual({});
		expect((load.forgedStatuses[401] ?? 0) + (load.unsignedStatuses[401] ?? 0)).toBeGreaterThan(0);
		// An error answer is allowed when n8n truly cannot take a delivery: FormantAI re-sends it
		// (the driver does too, after 30 s), and it must then be accepted.
		expect(load.gaveUp).toBe(0);
		expect(result.lost).toBe(0);
		// Claims across workers take turns through the lock in n8n's dedupe store (README, "Queue mode").
		expect(result.duplicates).toBe(0);
		expect(result.runs).toBe(1000);
		// One execution per accepted delivery (re-sends included), all of them on the workers.
		// Every accepted delivery has its execution (one answered with an error may have one too).
		expect(Number(finished.done)).toBeGreaterThanOrEqual(load.accepted);
		expect(statuses.map((row) => row.status)).toEqual(['success']);
		expect(workerLines.reduce((a, b) => a + b, 0)).toBe(Number(finished.done));
		expect(workerLines.every((n) => n > 0)).toBe(true);
	});
});
