/* eslint-disable @n8n/community-nodes/no-restricted-imports -- e2e tooling that drives real n8n processes in queue mode, never shipped */
import { mkdtempSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';

import type { CredentialImport, WorkflowImport } from './cli';
import { runN8n } from './cli';
import { createN8nHome, installPackage, randomId, type N8nHome } from './home';
import type { N8nInstall } from './install';
import { ownerEnv } from './owner';
import { startPostgres, type Postgres } from './postgres';
import { freePort, pollUntil } from './proc';
import { startRedis, type Redis } from './redis';
import { startServer, type N8nServer } from './server';

/**
 * n8n in queue mode on loopback: Postgres 17, Redis, one main (`n8n start`, production webhooks
 * off, manual runs offloaded), `webhooks` webhook processes and `workers` workers, each process in
 * its own user folder with its own ports, binary data in the database.
 */
/** Start-up limit per process: on a busy 2-core CI machine main alone took 89 s. */
const READY_TIMEOUT_MS = 600_000;

export interface QueueOptions {
	install: N8nInstall;
	tarball: string;
	credentials: CredentialImport[];
	workflows: WorkflowImport[];
	/** Workflows to publish (their production webhooks are then served by the webhook processes). */
	publish: string[];
	webhooks?: number;
	workers?: number;
	concurrency?: number;
	/** An owner account on main (for REST calls such as a manual run, offloaded to the workers). */
	owner?: { email: string; password: string };
	log?: (line: string) => void;
	/** More n8n settings for every process. */
	settings?: Record<string, string>;
}

export interface QueueTopology {
	postgres: Postgres;
	redis: Redis;
	main: N8nServer;
	webhookProcesses: N8nServer[];
	workers: N8nServer[];
	/** Seconds each bring-up step took. */
	timings: Record<string, number>;
	/** RSS of every process, MiB. */
	memory(): Record<string, number>;
	/**
	 * Starts a webhook process or worker again on its own user folder and ports, once it has been
	 * stopped or killed (`stop()` / `kill()` on it). After a kill its crash journal makes n8n sleep
	 * 10 s before it starts. Resolves when it is ready; the arrays above then hold the new process.
	 */
	startAgain(role: 'webhook' | 'worker', index: number): Promise<N8nServer>;
	/** Starts one more worker in its own user folder (appended to `workers`; stopped by `stop`). */
	addWorker(): Promise<N8nServer>;
	stop(): Promise<void>;
}

async function importSeparate(
	home: N8nHome,
	env: Record<string, string>,
	kind: 'credentials' | 'workflow',
	items: Array<{ id?: string }>,
): Promise<void> {
	const dir = mkdtempSync(join(tmpdir(), 'formantai-n8n-import-'));
	try {
		for (const item of items)
			writeFileSync(join(dir, `${item.id ?? randomId()}.json`), JSON.stringify(item));
		await runN8n(home, [`import:${kind}`, '--separate', `--input=${dir}`], {
			env,
			timeoutMs: 300_000,
		});
	} finally {
		rmSync(dir, { recursive: true, force: true });
	}
}

export async function startQueue(options: QueueOptions): Promise<QueueTopology> {
	const log = options.log ?? (() => undefined);
	const timings: Record<string, number> = {};
	const homes: N8nHome[] = [];
	const servers: N8nServer[] = [];
	const webhookProcesses: N8nServer[] = [];
	const workers: N8nServer[] = [];
	/** How to start each webhook process and worker again (same folder, same ports). */
	const launchers: Record<'webhook' | 'worker', Array<() => Promise<N8nServer>>> = {
		webhook: [],
		worker: [],
	};
	let postgres: Postgres | undefined;
	let redis: Redis | undefined;
	const step = async <T>(label: string, work: () => Promise<T>): Promise<T> => {
		const started = Date.now();
		const value = await work();
		timings[label] = (Date.now() - started) / 1000;
		log(`${label}: ${timings[label].toFixed(1)} s`);
		return value;
	};
	const stop = async (): Promise<void> => {
		// Webhook processes wait for "active executions" up to their grace period after load:
		// everything is in Postgres by then, so they get a short one.
		await Promise.all(
			[...servers, ...webhookProcesses, ...workers]
				.filter((server): server is N8nServer => server !== undefined)
				.map(async (server) => await server.stop(8_000)),
		);
		await redis?.stop();
		await postgres?.stop();
		for (const home of homes) home.dispose();
	};
	let started = false;
	try {
		[postgres, redis] = await step(
			'postgres 17 + redis',
			async () => await Promise.all([startPostgres(options.install), startRedis()]),
		);
		const prefix = `formantai${randomId().slice(0, 6)}`;
		const common: Record<string, string> = {
			...postgres.n8nEnv,
			EXECUTIONS_MODE: 'queue',
			QUEUE_BULL_REDIS_HOST: redis.host,
			QUEUE_BULL_REDIS_PORT: String(redis.port),
			QUEUE_BULL_PREFIX: prefix,
			N8N_DEFAULT_BINARY_DATA_MODE: 'database',
			N8N_GRACEFUL_SHUTDOWN_TIMEOUT: '8',
		};
		const newHome = async (): Promise<N8nHome> => {
			const home = createN8nHome(options.install, { settings: options.settings });
			homes.push(home);
			await installPackage(home, options.tarball);
			return home;
		};
		const cli = await step('user folders + package', async () => await newHome());
		await step(
			'import credentials (migrations)',
			async () => await importSeparate(cli, common, 'credentials', options.credentials),
		);
		await step(
			'import workflows',
			async () => await importSeparate(cli, common, 'workflow', options.workflows),
		);
		await step(`publish ${options.publish.length} workflows`, async () => {
			for (const id of options.publish)
				await runN8n(cli, ['publish:workflow', `--id=${id}`], { env: common });
		});

		const webhookPort = await freePort();
		const webhookPorts = [
			webhookPort,
			...(await Promise.all(Array.from({ length: (options.webhooks ?? 2) - 1 }, freePort))),
		];
		const main = await step('main ready', async () => {
			const home = await newHome();
			const server = await startServer(home, {
				readyTimeoutMs: READY_TIMEOUT_MS,
				env: {
					...common,
					N8N_DISABLE_PRODUCTION_MAIN_PROCESS: 'true',
					OFFLOAD_MANUAL_EXECUTIONS_TO_WORKERS: 'true',
					N8N_WEBHOOK_URL: `http://127.0.0.1:${webhookPort}/`,
					...(options.owner ? await ownerEnv(home, options.owner) : {}),
				},
			});
			servers.push(server);
			return server;
		});
		await step('webhooks registered by main', async () => {
			await pollUntil(
				'webhook_entity rows',
				async () => {
					const rows = await postgres!.query<{ n: string }>(
						'SELECT count(DISTINCT "workflowId") AS n FROM webhook_entity',
					);
					return Number(rows[0].n) >= options.publish.length ? true : undefined;
				},
				{ timeoutMs: 60_000, intervalMs: 500 },
			);
		});
		const launchWebhook = async (home: N8nHome, port: number): Promise<N8nServer> =>
			await startServer(home, {
				command: 'webhook',
				readyTimeoutMs: READY_TIMEOUT_MS,
				port,
				env: { ...common, N8N_WEBHOOK_URL: `http://127.0.0.1:${port}/` },
			});
		const launchWorker = async (home: N8nHome, port: number): Promise<N8nServer> =>
			await startServer(home, {
				command: 'worker',
				readyTimeoutMs: READY_TIMEOUT_MS,
				args: [`--concurrency=${options.concurrency ?? 5}`],
				port,
				env: {
					...common,
					QUEUE_HEALTH_CHECK_ACTIVE: 'true',
					QUEUE_HEALTH_CHECK_PORT: String(port),
					N8N_WORKER_SERVER_ADDRESS: '127.0.0.1',
				},
			});
		const newWorker = async (i: number): Promise<N8nServer> => {
			const [home, port] = await Promise.all([newHome(), freePort()]);
			launchers.worker[i] = async () => await launchWorker(home, port);
			workers[i] = await launchers.worker[i]();
			return workers[i];
		};
		await step(
			'webhook processes + workers ready',
			async () =>
				await Promise.all([
					...webhookPorts.map(async (port, i) => {
						const home = await newHome();
						launchers.webhook[i] = async () => await launchWebhook(home, port);
						webhookProcesses[i] = await launchers.webhook[i]();
					}),
					...Array.from({ length: options.workers ?? 2 }, async (_, i) => await newWorker(i)),
				]),
		);
		const pg = postgres;
		const rd = redis;
		started = true;
		return {
			postgres: pg,
			redis: rd,
			main,
			webhookProcesses,
			workers,
			timings,
			startAgain: async (role, index) => {
				const server = await launchers[role][index]();
				(role === 'webhook' ? webhookProcesses : workers)[index] = server;
				return server;
			},
			addWorker: async () => await newWorker(workers.length),
			memory: () => {
				const mib = (bytes: number): number => Math.round(bytes / 1024 / 1024);
				const out: Record<string, number> = { main: mib(main.memoryRssBytes()) };
				webhookProcesses.forEach(
					(server, i) => (out[`webhook ${i + 1}`] = mib(server.memoryRssBytes())),
				);
				workers.forEach(
					(server, i) => (out[`worker ${i + 1} (+ runner)`] = mib(server.memoryRssBytes())),
				);
				out.postgres = mib(pg.memoryRssBytes());
				out.redis = mib(rd.memoryRssBytes());
				return out;
			},
			stop,
		};
	} finally {
		if (!started) await stop();
	}
}
