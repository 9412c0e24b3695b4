/* eslint-disable @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports, no-console -- e2e tooling that drives a real n8n process, never shipped; prints its measurements */
import { mkdtempSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join, resolve } from 'path';

import { startWebhookReceiver, type WebhookReceiver } from '../test/simulator';
import {
	createN8nHome,
	ensureN8n,
	exampleCredentials,
	importCredentials,
	importWorkflows,
	installPackage,
	packPackage,
	pollUntil,
	publishWorkflow,
	querySqlite,
	startServer,
	triggerPath,
	type N8nHome,
	type N8nServer,
} from './lib';
import {
	driveLoad,
	expectExactlyOnce,
	figures,
	loadWorkflow,
	receivedEventIds,
	STANDARD_LOAD,
} from './lib/load';

/**
 * Issue 11 on one n8n process (`n8n start`, sqlite, regular mode): the same load as the
 * queue-mode suite, counted by what reaches the node after the trigger.
 */

const SECRET = 'whsec_single_process_load';
const LOAD_ID = 'formantaiLoadS01';

describe('one n8n process (sqlite): exactly once under load', () => {
	const repoRoot = resolve(__dirname, '..');
	let scratch: string;
	let home: N8nHome;
	let server: N8nServer | undefined;
	let counter: WebhookReceiver;
	const printed: Record<string, unknown> = {};
	const suiteStarted = Date.now();
	const workflow = () => loadWorkflowOnce;
	let loadWorkflowOnce: ReturnType<typeof loadWorkflow>;

	beforeAll(async () => {
		const install = await ensureN8n({ log: (line) => console.log(`[e2e install] ${line}`) });
		home = createN8nHome(install);
		scratch = mkdtempSync(join(tmpdir(), 'formantai-e2e-load-'));
		counter = await startWebhookReceiver();
		counter.respond(() => 200);
		loadWorkflowOnce = loadWorkflow(counter.url, LOAD_ID);
		await installPackage(home, await packPackage(repoRoot, scratch));
		await importCredentials(
			home,
			exampleCredentials({
				baseUrl: 'http://127.0.0.1:9',
				apiKey: 'unused',
				webhookSecret: SECRET,
			}),
		);
		await importWorkflows(home, [workflow()]);
		await publishWorkflow(home, LOAD_ID);
		server = await startServer(home, {
			webhooks: [triggerPath(workflow())],
			readyTimeoutMs: 600_000,
		});
		printed['server start → webhook registered (s)'] = server.timings.readyMs / 1000;
		printed['memory after start (MiB)'] = Math.round(server.memoryRssBytes() / 1024 / 1024);
	});

	afterAll(async () => {
		if (server)
			printed['memory at the end (MiB)'] = Math.round(server.memoryRssBytes() / 1024 / 1024);
		await server?.stop();
		await counter?.close();
		home?.dispose();
		if (scratch) rmSync(scratch, { recursive: true, force: true });
		printed['whole file (s)'] = Math.round((Date.now() - suiteStarted) / 1000);
		console.log(`[e2e single-process load measurements]\n${JSON.stringify(printed, null, 2)}`);
	});

	it('1,000 signed events + 100 re-sends, 20 in flight: every event runs once; forged and unsigned refused', async () => {
		const url = server!.webhookUrl(triggerPath(workflow()));
		const load = await driveLoad({
			urls: [url],
			secret: SECRET,
			...STANDARD_LOAD,
			prefix: 'evt_s',
		});
		const finished = await pollUntil(
			'every accepted delivery has a finished execution',
			async () => {
				const [row] = await querySqlite<{ done: number; open: number; last: string | null }>(
					home,
					`SELECT sum(status NOT IN ('new','running','waiting')) AS done,
					        sum(status IN ('new','running','waiting')) AS open,
					        max(stoppedAt) AS last
					   FROM execution_entity WHERE workflowId = ?`,
					[LOAD_ID],
				);
				return Number(row.open) === 0 && Number(row.done) >= load.accepted ? row : undefined;
			},
			{ timeoutMs: 15 * 60_000, intervalMs: 1000 },
		);
		const statuses = await querySqlite<{ status: string; n: number }>(
			home,
			'SELECT status, count(*) AS n FROM execution_entity WHERE workflowId = ? GROUP BY status',
			[LOAD_ID],
		);
		const received = receivedEventIds(counter.received);
		const lastFinished = Date.parse(
			`${String(finished.last).replace(' ', 'T')}${String(finished.last).endsWith('Z') ? '' : 'Z'}`,
		);
		const result = figures(
			'single process (sqlite)',
			load,
			received,
			Number(finished.done),
			lastFinished,
		);
		const lockTimeouts = (server!.logs().match(/Timeout waiting for lock/g) ?? []).length;
		printed['load figures'] = {
			...result,
			executionStatuses: statuses,
			sqliteLockTimeouts: lockTimeouts,
		};
		console.log(`[single-process load] ${JSON.stringify(printed['load figures'])}`);

		expectExactlyOnce(load, result, Number(finished.done), statuses);
	});
});
