/* eslint-disable @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports, no-console -- e2e tooling that drives real n8n processes, never shipped; prints its measurements */
import { mkdtempSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join, resolve } from 'path';

import { start as startSimulator, type Simulator } from '../test/simulator';
import {
	ensureN8n,
	example,
	exampleCredentials,
	loadExamples,
	packPackage,
	pollUntil,
	triggerPath,
	withParameter,
	type WorkflowImport,
} from './lib';
import {
	controlFaultWorkflow,
	driveFaultRun,
	FAULT_LOAD,
	startDestination,
	tally,
	triggerFaultWorkflow,
	type Destination,
	type FaultRunResult,
	type FaultTally,
} from './lib/faults';
import { delay } from './lib/proc';
import { startQueue, type QueueTopology } from './lib/queue';
import { restSession } from './lib/queueExamples';

/**
 * Issue 20: the trigger through the faults production meets, in n8n's queue mode (Postgres 17,
 * Redis, 1 main, 2 webhook processes, 2 workers × 5), against n8n's own Webhook node in its place
 * (the control), driven in the same run with the same events. Each fault strikes when 30 % of the
 * deliveries are answered. After each run example 9 (the catch-up) runs for the run's window, and
 * the destination must then hold every outcome of the run exactly once.
 */

const SECRET = 'whsec_fault_suite';
const TRIGGER_ID = 'formantaiFaultTr';
const CONTROL_ID = 'formantaiFaultCo';
const CONTROL_PATH = 'formantai-faults-control';
const OWNER = { email: 'faults-owner@formantai.test', password: 'Faults-suite-1' };

interface Fault {
	name: string;
	strike: (topology: QueueTopology) => Promise<void>;
}

const FAULTS: Fault[] = [
	{
		name: 'worker stopped (SIGTERM, a deploy) and started again',
		strike: async (topology) => {
			await topology.workers[0].stop(30_000);
			await topology.startAgain('worker', 0);
		},
	},
	{
		name: 'webhook process killed (SIGKILL), started again 5 s later',
		strike: async (topology) => {
			await topology.webhookProcesses[0].kill();
			await delay(5_000);
			await topology.startAgain('webhook', 0);
		},
	},
	{
		// Started again at once, as an orchestrator would; its crash journal makes it sleep 10 s.
		name: 'worker killed (SIGKILL)',
		strike: async (topology) => {
			await topology.workers[1].kill();
			await topology.startAgain('worker', 1);
		},
	},
	{
		name: 'Redis restarted (SHUTDOWN SAVE, started again)',
		strike: async (topology) => await topology.redis.restart(),
	},
	{
		name: 'Postgres stalled 40 s (SIGSTOP, then SIGCONT)',
		strike: async (topology) => {
			topology.postgres.pause();
			try {
				await delay(40_000);
			} finally {
				topology.postgres.resume();
			}
		},
	},
];

/** The catch-up workflow (example 9) of a run: its window and the destination filled in. */
function catchUpWorkflow(
	template: WorkflowImport,
	index: number,
	destinationUrl: string,
	window: { after: number; before: number },
): WorkflowImport & { id: string } {
	const copy = withParameter(template, 'Catch-up settings', (parameters) => {
		const list = (
			parameters.assignments as { assignments: Array<{ name: string; value: unknown }> }
		).assignments;
		const set = (name: string, value: string): void => {
			list.find((assignment) => assignment.name === name)!.value = value;
		};
		set('crm_outcomes_url', destinationUrl);
		set('ended_after', new Date(window.after).toISOString());
		set('ended_before', new Date(window.before).toISOString());
	});
	return { ...copy, id: `formantaiCatchUp${index}`, name: `${copy.name} (run ${index + 1})` };
}

describe('faults in queue mode: the trigger against n8n’s own Webhook node, then the catch-up', () => {
	const repoRoot = resolve(__dirname, '..');
	let scratch: string;
	let sim: Simulator;
	let queue: QueueTopology | undefined;
	let triggerDestination: Destination;
	let controlDestination: Destination;
	/** The conversations whose outcomes each run delivers (seeded up front, 300 per run). */
	const runs: Array<{ conversationIds: string[]; after: number; before: number }> = [];
	const printed: Record<string, unknown> = {};
	const suiteStarted = Date.now();
	let triggerHook = '';

	beforeAll(async () => {
		const install = await ensureN8n({ log: (line) => console.log(`[e2e install] ${line}`) });
		scratch = mkdtempSync(join(tmpdir(), 'formantai-e2e-faults-'));
		// Ended calls only: their outcomes are what the runs deliver and what catch-up finds.
		sim = await startSimulator({
			realTime: true,
			callDurationMs: 1000,
			recordingDelayMs: 0,
			webhookSecret: SECRET,
		});
		const seeded = sim.seedConversations(FAULTS.length * FAULT_LOAD.events, { spacingMs: 10 });
		for (let i = 0; i < FAULTS.length; i++) {
			const slice = seeded.slice(i * FAULT_LOAD.events, (i + 1) * FAULT_LOAD.events);
			runs.push({
				conversationIds: slice.map((c) => c.conversation_id),
				after: slice[0].end_timestamp!,
				before: slice[slice.length - 1].end_timestamp! + 1,
			});
		}
		[triggerDestination, controlDestination] = await Promise.all([
			startDestination(),
			startDestination(),
		]);
		const template = example(loadExamples(), '9-');
		const catchUps = runs.map((run, i) =>
			catchUpWorkflow(template, i, triggerDestination.url, run),
		);
		const triggerWorkflow = triggerFaultWorkflow(triggerDestination.url, TRIGGER_ID);
		triggerHook = triggerPath(triggerWorkflow);
		const tarball = await packPackage(repoRoot, scratch);
		queue = await startQueue({
			install,
			tarball,
			credentials: exampleCredentials({
				baseUrl: sim.url,
				apiKey: sim.apiKey,
				webhookSecret: SECRET,
			}),
			workflows: [
				triggerWorkflow,
				controlFaultWorkflow(controlDestination.url, CONTROL_ID, CONTROL_PATH),
				...catchUps,
			],
			publish: [TRIGGER_ID, CONTROL_ID],
			owner: OWNER,
			log: (line) => console.log(`[faults bring-up] ${line}`),
		});
		printed['bring-up (s)'] = queue.timings;
	});

	afterAll(async () => {
		await queue?.stop();
		await sim?.close();
		await triggerDestination?.close();
		await controlDestination?.close();
		if (scratch) rmSync(scratch, { recursive: true, force: true });
		printed['whole file (s)'] = Math.round((Date.now() - suiteStarted) / 1000);
		console.log(`[e2e faults measurements]\n${JSON.stringify(printed, null, 2)}`);
	});

	/** Execution statuses of a workflow created since `since`, and how many n8n left unfinished. */
	const executions = async (
		workflowId: string,
		since: number,
	): Promise<{ statuses: Record<string, number>; notSuccess: number }> => {
		const rows = await queue!.postgres.query<{ status: string; n: string }>(
			`SELECT status, count(*) AS n FROM execution_entity
			  WHERE "workflowId" = $1 AND "createdAt" >= $2 GROUP BY status`,
			[workflowId, new Date(since).toISOString()],
		);
		const statuses = Object.fromEntries(rows.map((row) => [row.status, Number(row.n)]));
		return {
			statuses,
			notSuccess: rows
				.filter((row) => row.status !== 'success')
				.reduce((a, row) => a + Number(row.n), 0),
		};
	};

	/** Why n8n says a workflow's executions since `since` ended in error: message → count. */
	const errorMessages = async (
		workflowId: string,
		since: number,
	): Promise<Record<string, number>> => {
		const rows = await queue!.postgres.query<{
			data: { resultData?: { error?: { message?: string } } };
		}>(
			`SELECT d.data FROM execution_entity e JOIN execution_data d ON d."executionId" = e.id
			  WHERE e."workflowId" = $1 AND e."createdAt" >= $2 AND e.status IN ('error', 'crashed')`,
			[workflowId, new Date(since).toISOString()],
			['data'],
		);
		const counts: Record<string, number> = {};
		for (const row of rows) {
			const message = String(
				row.data?.resultData?.error?.message ?? '(no error in the run data)',
			).slice(0, 160);
			counts[message] = (counts[message] ?? 0) + 1;
		}
		return counts;
	};

	/**
	 * Until both destinations have stopped growing and n8n has no execution of either workflow
	 * open; an execution that stays open (n8n leaves some `new` or `running` for ever after a
	 * stall) holds it at most 45 s past the last write.
	 */
	const settle = async (since: number): Promise<void> => {
		let last = -1;
		let quietSince = Date.now();
		await pollUntil(
			'the run settled',
			async () => {
				const count = triggerDestination.records.length + controlDestination.records.length;
				if (count !== last) {
					last = count;
					quietSince = Date.now();
					return undefined;
				}
				const quiet = Date.now() - quietSince;
				if (quiet < 8_000) return undefined;
				const [rows] = await queue!.postgres.query<{ open: string }>(
					`SELECT count(*) AS open FROM execution_entity WHERE "workflowId" IN ($1, $2)
					    AND "createdAt" >= $3 AND status IN ('new', 'running', 'waiting')`,
					[TRIGGER_ID, CONTROL_ID, new Date(since).toISOString()],
				);
				return Number(rows.open) === 0 || quiet >= 45_000 ? true : undefined;
			},
			{ timeoutMs: 10 * 60_000, intervalMs: 1_000 },
		);
	};

	/** Runs example 9 for run `index` on a worker (REST run on main) and waits for its end. */
	const runCatchUp = async (index: number): Promise<{ status: string; seconds: number }> => {
		const started = Date.now();
		// After a stall main may answer 503 for a while: sign in and start the run once it answers.
		const executionId = await pollUntil(
			'catch-up started',
			async () => {
				const rest = await restSession(queue!.main, OWNER);
				const run = await rest('POST', `/rest/workflows/formantaiCatchUp${index}/run`, {
					triggerToStartFrom: { name: 'Run now' },
				});
				return run.status === 200
					? String((run.body as { data: { executionId: string } }).data.executionId)
					: undefined;
			},
			{ timeoutMs: 180_000, intervalMs: 2_000 },
		);
		const status = await pollUntil(
			'catch-up finished',
			async () => {
				const [row] = await queue!.postgres.query<{ status: string }>(
					'SELECT status FROM execution_entity WHERE id = $1',
					[Number(executionId)],
				);
				return row && !['new', 'running', 'waiting'].includes(row.status) ? row.status : undefined;
			},
			{ timeoutMs: 300_000, intervalMs: 1_000 },
		);
		return { status, seconds: Math.round((Date.now() - started) / 100) / 10 };
	};

	/** How many times each conversation of the run is in the trigger's destination. */
	const perConversation = (conversationIds: string[]): Map<string, number> => {
		const wanted = new Set(conversationIds);
		const counts = new Map(conversationIds.map((id) => [id, 0]));
		for (const record of triggerDestination.records) {
			if (wanted.has(record.conversation_id))
				counts.set(record.conversation_id, counts.get(record.conversation_id)! + 1);
		}
		return counts;
	};

	FAULTS.forEach((fault, index) => {
		it(`${fault.name}: the trigger runs no event twice and loses no accepted delivery the control keeps; the catch-up then delivers every missing outcome once`, async () => {
			const topology = queue!;
			const runStarted = Date.now();
			const { conversationIds } = runs[index];
			const run: FaultRunResult = await driveFaultRun({
				sim,
				conversationIds,
				prefix: `evt_f${index + 1}_`,
				secret: SECRET,
				// A process started again listens on the same port: the URLs stay valid.
				triggerUrls: topology.webhookProcesses.map((server) => server.webhookUrl(triggerHook)),
				controlUrls: topology.webhookProcesses.map((server) => server.webhookUrl(CONTROL_PATH)),
				strike: async () => await fault.strike(topology),
			});
			await settle(runStarted);
			const trigger: FaultTally = tally(run, run.trigger, triggerDestination.records);
			const control: FaultTally = tally(run, run.control, controlDestination.records);
			const [triggerExecutions, controlExecutions, triggerErrors, controlErrors] =
				await Promise.all([
					executions(TRIGGER_ID, runStarted),
					executions(CONTROL_ID, runStarted),
					errorMessages(TRIGGER_ID, runStarted),
					errorMessages(CONTROL_ID, runStarted),
				]);
			const figures: Record<string, unknown> = {
				events: run.eventIds.length,
				'struck after (s)': run.struckAfterS,
				'fault over after (s)': run.faultDoneAfterS,
				'run settled after (s)': Math.round((Date.now() - runStarted) / 1000),
				trigger: { ...trigger, executions: triggerExecutions.statuses, errors: triggerErrors },
				control: { ...control, executions: controlExecutions.statuses, errors: controlErrors },
			};
			printed[fault.name] = figures;
			console.log(`[faults] ${fault.name}: ${JSON.stringify(figures)}`);

			const before = perConversation(conversationIds);
			const missing = [...before.values()].filter((n) => n === 0).length;
			const catchUp = await runCatchUp(index);
			const after = perConversation(conversationIds);
			figures['catch-up'] = {
				...catchUp,
				'outcomes missing before': missing,
				'written by the catch-up': triggerDestination.records.filter(
					(record) => record.source === 'catch-up' && after.has(record.conversation_id),
				).length,
			};
			console.log(`[faults] ${fault.name}, catch-up: ${JSON.stringify(figures['catch-up'])}`);
			// The catch-up ran first, so its figures exist whatever the verdicts below.
			// Never twice, whatever the fault.
			expect(trigger.runTwice).toBe(0);
			// Of the events n8n accepted once (answered 2xx, so FormantAI sends them no more), the
			// trigger loses no more than the control, beyond the executions n8n itself failed or left
			// open for the trigger's workflow more than for the control's (a killed worker takes the
			// jobs it held, of either workflow, and which ones is chance). An event never answered
			// 2xx is the sender's to re-send, and after its last attempt the catch-up's. An event
			// accepted twice (its copy too) is left out: when n8n loses the execution that claimed
			// it, the trigger refuses the copy, where the control runs it as a second run; the
			// catch-up below delivers it.
			expect(trigger.lostAfter2xx - trigger.lostAfterCopy).toBeLessThanOrEqual(
				control.lostAfter2xx -
					control.lostAfterCopy +
					Math.max(0, triggerExecutions.notSuccess - controlExecutions.notSuccess),
			);
			expect(catchUp.status).toBe('success');
			// Every outcome of the run, exactly once: the catch-up wrote only the missing ones.
			expect([...after.entries()].filter(([, n]) => n !== 1)).toEqual([]);
		});
	});
});
