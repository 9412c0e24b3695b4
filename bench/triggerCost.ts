/* eslint-disable @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports, @n8n/community-nodes/no-dangerous-functions, no-console -- benchmarks drive real n8n processes on loopback and print, never shipped */
import {
	copyFileSync,
	existsSync,
	mkdirSync,
	mkdtempSync,
	rmSync,
	symlinkSync,
	writeFileSync,
} from 'fs';
import { execFileSync } from 'child_process';
import { loadavg, tmpdir } from 'os';
import { basename, dirname, join, resolve } from 'path';

import type { IConnections, INode } from 'n8n-workflow';

import type * as E2e from '../e2e/lib';
import type * as LoadLib from '../e2e/lib/load';
import type { Postgres } from '../e2e/lib/postgres';
import type * as QueueLib from '../e2e/lib/queue';
import type { WebhookReceiver } from '../test/simulator';
import { SEEN_CAPACITY } from '../nodes/FormantAiTrigger/dedupe';
import { round, type Result } from './lib';

type CredentialImport = E2e.CredentialImport;
type N8nHome = E2e.N8nHome;
type N8nInstall = E2e.N8nInstall;
type WorkflowImport = E2e.WorkflowImport;

/**
 * The e2e tooling finds the repository's files next to its own (node_modules, e2e/harness,
 * examples, the plain-JS spawn helper): compiled into .tools/, it is given links to them.
 */
function besideRepository(): void {
	const tools = resolve(__dirname, '..');
	if (basename(tools) !== '.tools') return;
	const repo = dirname(tools);
	for (const path of ['node_modules', 'e2e/harness', 'examples']) {
		if (!existsSync(join(tools, path))) {
			mkdirSync(dirname(join(tools, path)), { recursive: true });
			symlinkSync(join(repo, path), join(tools, path));
		}
	}
	copyFileSync(join(repo, 'e2e/lib/spawn.js'), join(tools, 'e2e/lib/spawn.js'));
}

let e2e: typeof E2e;
let loadLib: typeof LoadLib;
let queueLib: typeof QueueLib;
let startPostgres: (install: N8nInstall) => Promise<Postgres>;
let startWebhookReceiver: () => Promise<WebhookReceiver>;

async function loadTooling(): Promise<void> {
	besideRepository();
	e2e = await import('../e2e/lib');
	loadLib = await import('../e2e/lib/load');
	queueLib = await import('../e2e/lib/queue');
	({ startPostgres } = await import('../e2e/lib/postgres'));
	({ startWebhookReceiver } = await import('../test/simulator'));
}

/**
 * Issue 20 §4: what the trigger costs per event against n8n's own Webhook node in its place, on
 * the same topology, in the same run: Postgres WAL bytes per event (everything n8n and the
 * dedupe store wrote) and deliveries per second to the last finished execution. The standard
 * load (1,000 events + 100 re-sends, 20 in flight; no forged or unsigned deliveries, which the
 * Webhook node would run) goes to each workflow in turn, control first.
 */

const SECRET = 'whsec_trigger_cost';
const CONTROL_PATH = 'formantai-cost-control';
const TRIGGER_ID = 'formantaiCostT01';
const CONTROL_ID = 'formantaiCostC01';

/** n8n's Webhook node (answers at once, as the trigger does) → the same recorder as the trigger's. */
function controlWorkflow(receiverUrl: string): WorkflowImport & { id: string } {
	const trigger = loadLib.loadWorkflow(receiverUrl, CONTROL_ID);
	const webhook = loadLib.webhookNode(CONTROL_PATH);
	const recorder = trigger.nodes.find((node) => node.name === 'Count run')!;
	const counted: INode = {
		...recorder,
		parameters: {
			...recorder.parameters,
			jsonBody: '={{ JSON.stringify({ event_id: $json.body.event_id }) }}',
		},
	};
	const connections: IConnections = {
		Webhook: { main: [[{ node: 'Count run', type: 'main', index: 0 }]] },
	};
	return { ...trigger, name: 'Cost control', nodes: [webhook, counted], connections };
}

interface Run {
	walBytesPerEvent: number;
	/** The part of it that touched n8n's dedupe store (the trigger's ID list and its lock). */
	storeWalBytesPerEvent: number;
	/** Of that, full-page images (a page's first change after a checkpoint). */
	storeFpiBytesPerEvent: number;
	deliveriesPerSecond: number;
	distinctRuns: number;
	runs: number;
	load: string;
}

type Query = Postgres['query'];

/**
 * Fills the trigger node's ID list to its capacity, as after a day of traffic: each claim then
 * rewrites a full list, which the standard load (from an empty list) does not show.
 */
async function fillIdList(query: Query, trigger: WorkflowImport & { id: string }): Promise<void> {
	const node = trigger.nodes.find((n) => n.type.endsWith('.formantAiTrigger'))!;
	// Built by Postgres itself (the query helper passes parameters on a command line): n8n's own
	// form, md5 in base64 per ID.
	await query(
		`INSERT INTO processed_data ("workflowId", context, value)
		 SELECT $1, $2, json_build_object('mode', 'entries', 'data',
		          json_agg(encode(decode(md5('evt_history_' || i), 'hex'), 'base64') ORDER BY i))::text
		   FROM generate_series(1, $3::int) AS i
		 ON CONFLICT ("workflowId", context) DO UPDATE SET value = EXCLUDED.value`,
		[trigger.id, `n:${node.id}`, SEEN_CAPACITY],
	);
}

/**
 * Postgres keeps the run's WAL (it is read back for the breakdown) and can read it: pg_walinspect
 * ships with the embedded Postgres.
 */
async function prepareWalInspection(query: Query): Promise<void> {
	await query('CREATE EXTENSION IF NOT EXISTS pg_walinspect');
	await query("ALTER SYSTEM SET wal_keep_size = '4GB'");
	await query('SELECT pg_reload_conf()');
}

/**
 * WAL records between two positions that changed `processed_data` (its heap, TOAST and indexes):
 * what the dedupe store cost, read back record by record.
 */
async function storeWal(
	query: Query,
	start: string,
	end: string,
): Promise<{ bytes: number; fpi: number }> {
	await e2e.pollUntil(
		'the WAL to be flushed',
		async () => {
			const [row] = await query<{ behind: boolean }>(
				'SELECT pg_current_wal_flush_lsn() < $1::pg_lsn AS behind',
				[end],
			);
			return row.behind ? undefined : true;
		},
		{ timeoutMs: 30_000, intervalMs: 100 },
	);
	const [row] = await query<{ bytes: string | null; fpi: string | null }>(
		`WITH tables AS (
		   SELECT oid FROM pg_class WHERE relname = 'processed_data'
		   UNION SELECT reltoastrelid FROM pg_class WHERE relname = 'processed_data'
		 ), nodes AS (
		   SELECT relfilenode FROM pg_class WHERE oid IN (SELECT oid FROM tables)
		   UNION SELECT c.relfilenode FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
		    WHERE i.indrelid IN (SELECT oid FROM tables)
		 ), records AS (
		   SELECT start_lsn, max(record_length) AS length, sum(coalesce(block_fpi_length, 0)) AS fpi
		     FROM pg_get_wal_block_info($1::pg_lsn, $2::pg_lsn)
		    WHERE relfilenode IN (SELECT relfilenode FROM nodes)
		    GROUP BY start_lsn
		 )
		 SELECT sum(length) AS bytes, sum(fpi) AS fpi FROM records`,
		[start, end],
	);
	return { bytes: Number(row.bytes ?? 0), fpi: Number(row.fpi ?? 0) };
}

async function measure(
	query: Query,
	counter: WebhookReceiver,
	urls: string[],
	workflowId: string,
	prefix: string,
): Promise<Run> {
	const before = counter.received.length;
	const [{ earlier }] = await query<{ earlier: string }>(
		'SELECT count(*) AS earlier FROM execution_entity WHERE "workflowId" = $1',
		[workflowId],
	);
	const [{ lsn: start }] = await query<{ lsn: string }>('SELECT pg_current_wal_lsn() AS lsn');
	const load = await loadLib.driveLoad({
		urls,
		secret: SECRET,
		...loadLib.STANDARD_LOAD,
		forged: 0,
		unsigned: 0,
		prefix,
	});
	const finished = await e2e.pollUntil(
		`every accepted delivery to ${workflowId} finished`,
		async () => {
			const [row] = await query<{ done: string; open: string; last: string | null }>(
				`SELECT count(*) FILTER (WHERE status NOT IN ('new','running','waiting')) AS done,
				        count(*) FILTER (WHERE status IN ('new','running','waiting')) AS open,
				        max("stoppedAt") AS last
				   FROM execution_entity WHERE "workflowId" = $1`,
				[workflowId],
			);
			const done = Number(row.done) - Number(earlier);
			return Number(row.open) === 0 && done >= load.accepted ? row : undefined;
		},
		{ timeoutMs: 20 * 60_000, intervalMs: 500 },
	);
	const [{ bytes, end }] = await query<{ bytes: string; end: string }>(
		'SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), $1) AS bytes, pg_current_wal_lsn() AS end',
		[start],
	);
	const store = await storeWal(query, start, end);
	// How long each execution took on its worker: slots held longer cap a worker's throughput.
	const [{ mean }] = await query<{ mean: string }>(
		`SELECT round(avg(extract(epoch FROM "stoppedAt" - "startedAt")) * 1000) AS mean
		   FROM (SELECT * FROM execution_entity WHERE "workflowId" = $1
		          ORDER BY id DESC LIMIT $2) latest`,
		[workflowId, load.accepted],
	);
	const ids = loadLib.receivedEventIds(counter.received.slice(before));
	const seconds = (Date.parse(String(finished.last)) - load.sendStartedAt) / 1000;
	console.log(
		`        ${workflowId}: ${bytes} WAL bytes (dedupe store ${store.bytes}, of which full pages ${store.fpi}), ${load.eventIds.length} events in ${seconds} s, ${ids.length} runs, executions ${mean} ms on average; load ${loadavg().join(' ')}`,
	);
	return {
		walBytesPerEvent: Math.round(Number(bytes) / load.eventIds.length),
		storeWalBytesPerEvent: Math.round(store.bytes / load.eventIds.length),
		storeFpiBytesPerEvent: Math.round(store.fpi / load.eventIds.length),
		deliveriesPerSecond: round(load.eventIds.length / seconds, 1),
		distinctRuns: new Set(ids).size,
		runs: ids.length,
		load: loadavg()
			.map((l) => round(l, 1))
			.join(' '),
	};
}

function results(topology: string, trigger: Run, control: Run, full: Run): Result[] {
	const bench = `Trigger cost, ${topology}, standard load (1,000 events + 100 re-sends, 20 in flight)`;
	const walRatio = round(trigger.walBytesPerEvent / control.walBytesPerEvent, 2);
	const speedRatio = round(trigger.deliveriesPerSecond / control.deliveriesPerSecond, 2);
	const note = `trigger ${trigger.runs} runs (${trigger.distinctRuns} distinct), load ${trigger.load}; control ${control.runs} runs, load ${control.load}`;
	const store = (run: Run) =>
		`dedupe store ${run.storeWalBytesPerEvent} B per event (full pages ${run.storeFpiBytesPerEvent} B)`;
	return [
		{
			bench,
			metric: 'Postgres WAL bytes per event, FormantAI Trigger vs n8n’s Webhook node in its place',
			measured: trigger.walBytesPerEvent,
			unit: 'B',
			baseline: control.walBytesPerEvent,
			ratio: walRatio,
			target: '≤ 2× the Webhook node',
			pass: walRatio <= 2,
			note: `${note}; ${store(trigger)}, control's ${control.storeWalBytesPerEvent} B`,
		},
		{
			bench,
			metric:
				'deliveries per second to finished execution, FormantAI Trigger vs n8n’s Webhook node',
			measured: trigger.deliveriesPerSecond,
			unit: '/s',
			baseline: control.deliveriesPerSecond,
			ratio: speedRatio,
			target: '≥ 0.7× the Webhook node',
			pass: speedRatio >= 0.7,
			note,
		},
		{
			bench,
			metric: `Postgres WAL bytes per event with the trigger’s ID list full (${SEEN_CAPACITY.toLocaleString('en')} IDs), vs the Webhook node`,
			measured: full.walBytesPerEvent,
			unit: 'B',
			baseline: control.walBytesPerEvent,
			ratio: round(full.walBytesPerEvent / control.walBytesPerEvent, 2),
			target: '≤ 2× the Webhook node',
			pass: full.walBytesPerEvent / control.walBytesPerEvent <= 2,
			note: `${full.runs} runs (${full.distinctRuns} distinct), ${full.deliveriesPerSecond} deliveries/s, load ${full.load}; ${store(full)}`,
		},
	];
}

/** `n8n import:<kind> --separate` against Postgres (the e2e helpers check sqlite). */
async function importInto(
	home: N8nHome,
	env: Record<string, string>,
	kind: 'credentials' | 'workflow',
	items: Array<{ id?: string }>,
): Promise<void> {
	const dir = mkdtempSync(join(tmpdir(), 'formantai-cost-import-'));
	try {
		for (const item of items) writeFileSync(join(dir, `${item.id}.json`), JSON.stringify(item));
		await e2e.runN8n(home, [`import:${kind}`, '--separate', `--input=${dir}`], {
			env,
			timeoutMs: 300_000,
		});
	} finally {
		rmSync(dir, { recursive: true, force: true });
	}
}

/**
 * n8n settings for every process of the run, from BENCH_N8N_SETTINGS
 * ("N8N_EXPRESSION_ENGINE_LAZY_ACQUIRE=true,..."): both workflows run under them.
 */
function n8nSettings(): Record<string, string> {
	const pairs = (process.env.BENCH_N8N_SETTINGS ?? '').split(',').filter((p) => p.includes('='));
	return Object.fromEntries(
		pairs.map((p) => [p.slice(0, p.indexOf('=')).trim(), p.slice(p.indexOf('=') + 1).trim()]),
	);
}

/** The topology's name in the results, with the settings it ran under. */
function named(topology: string, settings: Record<string, string>): string {
	const extra = Object.entries(settings).map(([key, value]) => `${key}=${value}`);
	return extra.length === 0 ? topology : `${topology}, ${extra.join(', ')}`;
}

interface Setup {
	settings: Record<string, string>;
	install: N8nInstall;
	tarball: string;
	counter: WebhookReceiver;
	credentials: CredentialImport[];
	trigger: WorkflowImport & { id: string };
	control: WorkflowImport & { id: string };
}

/**
 * The control's run, then the trigger's from an empty ID list, then the trigger's again with the
 * list full; `tag` keeps the event IDs of each topology apart.
 */
async function measureTopology(
	query: Query,
	setup: Setup,
	urls: (path: string) => string[],
	topology: string,
	tag: string,
): Promise<Result[]> {
	const triggerUrls = urls(e2e.triggerPath(setup.trigger));
	await prepareWalInspection(query);
	const control = await measure(
		query,
		setup.counter,
		urls(CONTROL_PATH),
		CONTROL_ID,
		`evt_c${tag}`,
	);
	const trigger = await measure(query, setup.counter, triggerUrls, TRIGGER_ID, `evt_t${tag}`);
	await fillIdList(query, setup.trigger);
	const full = await measure(query, setup.counter, triggerUrls, TRIGGER_ID, `evt_f${tag}`);
	return results(topology, trigger, control, full);
}

async function singleProcess(setup: Setup): Promise<Result[]> {
	const postgres = await startPostgres(setup.install);
	const home = e2e.createN8nHome(setup.install, { settings: setup.settings });
	let server: E2e.N8nServer | undefined;
	try {
		await e2e.installPackage(home, setup.tarball);
		const env = postgres.n8nEnv;
		await importInto(home, env, 'credentials', setup.credentials);
		await importInto(home, env, 'workflow', [setup.trigger, setup.control]);
		for (const id of [setup.trigger.id, setup.control.id])
			await e2e.runN8n(home, ['publish:workflow', `--id=${id}`], { env });
		const started = await e2e.startServer(home, {
			env,
			webhooks: [e2e.triggerPath(setup.trigger), CONTROL_PATH],
			readyTimeoutMs: 600_000,
		});
		server = started;
		return await measureTopology(
			postgres.query.bind(postgres) as Query,
			setup,
			(path) => [started.webhookUrl(path)],
			named('one n8n process on Postgres 17', setup.settings),
			'1',
		);
	} finally {
		await server?.stop();
		await postgres.stop();
		home.dispose();
	}
}

async function queueMode(setup: Setup): Promise<Result[]> {
	const queue = await queueLib.startQueue({
		install: setup.install,
		tarball: setup.tarball,
		credentials: setup.credentials,
		workflows: [setup.trigger, setup.control],
		publish: [setup.trigger.id, setup.control.id],
		log: (line) => console.log(`        [queue bring-up] ${line}`),
		settings: setup.settings,
	});
	try {
		return await measureTopology(
			queue.postgres.query.bind(queue.postgres) as Query,
			setup,
			(path) => queue.webhookProcesses.map((p) => p.webhookUrl(path)),
			named('queue mode (2 webhook processes, 2 workers × 5, Postgres 17)', setup.settings),
			'q',
		);
	} finally {
		await queue.stop();
	}
}

/**
 * CPU per expression isolate in the installed n8n (its own runtime, on its Node 24): what n8n
 * pays once more per delivery for any start node that is not its own Webhook node.
 */
function isolateCost(install: N8nInstall): Result {
	const bridge = join(
		install.dir,
		'node_modules/@n8n/expression-runtime/dist/cjs/bridge/isolated-vm-bridge.js',
	);
	const script = `
		const { IsolatedVmBridge } = require(${JSON.stringify(bridge)});
		(async () => {
			for (let i = 0; i < 3; i++) { const b = new IsolatedVmBridge({}); await b.initialize(); await b.dispose(); }
			const n = 20, start = process.cpuUsage();
			for (let i = 0; i < n; i++) { const b = new IsolatedVmBridge({}); await b.initialize(); await b.dispose(); }
			const used = process.cpuUsage(start);
			console.log(JSON.stringify({ ms: (used.user + used.system) / 1000 / n }));
		})();`;
	const out = execFileSync(install.node, ['-e', script], { encoding: 'utf8' });
	const { ms } = JSON.parse(out.trim().split('\n').pop()!) as { ms: number };
	return {
		bench: `Trigger cost, n8n ${install.n8nVersion}’s expression runtime on Node ${install.nodeVersion}`,
		metric: 'CPU to build one expression isolate (mean of 20 after 3)',
		measured: round(ms, 1),
		unit: 'ms',
		target: 'context (no target)',
		pass: true,
		info: true,
	};
}

export async function triggerCost(topologies = ['single', 'queue']): Promise<Result[]> {
	await loadTooling();
	const install = await e2e.ensureN8n({ log: (line) => console.log(`        [install] ${line}`) });
	const scratch = mkdtempSync(join(tmpdir(), 'formantai-cost-'));
	const counter = await startWebhookReceiver();
	counter.respond(() => 200);
	try {
		const setup: Setup = {
			settings: n8nSettings(),
			install,
			tarball: await e2e.packPackage(resolve(__dirname, '..', '..'), scratch),
			counter,
			credentials: e2e.exampleCredentials({
				baseUrl: 'http://127.0.0.1:9',
				apiKey: 'unused',
				webhookSecret: SECRET,
			}),
			trigger: loadLib.loadWorkflow(counter.url, TRIGGER_ID),
			control: controlWorkflow(counter.url),
		};
		const out: Result[] = [isolateCost(install)];
		if (topologies.includes('single')) out.push(...(await singleProcess(setup)));
		if (topologies.includes('queue')) out.push(...(await queueMode(setup)));
		return out;
	} finally {
		await counter.close();
		rmSync(scratch, { recursive: true, force: true });
	}
}
