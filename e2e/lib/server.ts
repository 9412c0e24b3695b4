/* eslint-disable @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports -- e2e tooling that drives a real n8n process, never shipped */
import { readFileSync, readdirSync } from 'fs';
import { request } from 'http';

import type { N8nHome } from './home';
import { freePort, isAlive, killGroup, pollUntil, spawnGroup, tail } from './proc';

export interface StartServerOptions {
	/** Port on 127.0.0.1 (default: a free one). */
	port?: number;
	/**
	 * Production webhooks to wait for, e.g. `['smoke-hook']` or `[{ path: 'x', method: 'GET' }]`
	 * (default method POST). Published workflows register them shortly after the health check
	 * is green; they are probed without triggering anything.
	 */
	webhooks?: Array<string | { path: string; method?: string }>;
	/** Limit for start-up plus webhook registration (default 120 s). */
	readyTimeoutMs?: number;
	env?: NodeJS.ProcessEnv;
	/**
	 * `start` (default), or a queue-mode process: `webhook`, or `worker` (pass `--concurrency=N` in
	 * `args`; `port` is then its health-check port, set via QUEUE_HEALTH_CHECK_PORT).
	 */
	command?: 'start' | 'webhook' | 'worker';
	args?: string[];
}

export interface N8nServer {
	/** Base URL, e.g. `http://127.0.0.1:41234` (no trailing slash). */
	url: string;
	port: number;
	pid: number;
	/** `${url}/webhook/${path}` — a production webhook URL. */
	webhookUrl(path: string): string;
	/** Waits until a production webhook is registered (see StartServerOptions.webhooks). */
	waitForWebhook(path: string, method?: string, timeoutMs?: number): Promise<void>;
	/** Everything n8n printed so far (stdout and stderr interleaved). */
	logs(): string;
	/** Resident memory of n8n and its task runner (the watchdog not counted), bytes. */
	memoryRssBytes(): number;
	/** Time from spawn to health-check green, and to all `webhooks` registered, ms. */
	timings: { healthyMs: number; readyMs: number };
	/** SIGTERM, then SIGKILL to the whole group after `graceMs` (default 20 s). Idempotent. */
	stop(graceMs?: number): Promise<void>;
	/**
	 * A crash: SIGKILL to the whole group at once (n8n, its task runner, the watchdog), as the
	 * kernel's OOM killer or a lost host would. n8n cleans nothing up (its crash journal stays).
	 */
	kill(): Promise<void>;
}

interface HttpAnswer {
	status: number;
	headers: Record<string, string | string[] | undefined>;
	body: string;
}

function httpRequest(
	url: string,
	method: string,
	headers: Record<string, string> = {},
	timeoutMs = 5000,
): Promise<HttpAnswer> {
	return new Promise<HttpAnswer>((resolve, reject) => {
		const req = request(url, { method, headers, timeout: timeoutMs }, (res) => {
			const chunks: Buffer[] = [];
			res.on('data', (chunk: Buffer) => chunks.push(chunk));
			res.on('end', () =>
				resolve({
					status: res.statusCode ?? 0,
					headers: res.headers,
					body: Buffer.concat(chunks).toString('utf8'),
				}),
			);
			res.on('error', reject);
		});
		req.on('timeout', () => req.destroy(new Error(`${method} ${url} timed out`)));
		req.on('error', reject);
		req.end();
	});
}

/** Sum of RSS of the processes in a process group but its leader, from /proc. */
function groupRssBytes(pgid: number): number {
	let total = 0;
	for (const entry of readdirSync('/proc')) {
		if (!/^\d+$/.test(entry)) continue;
		try {
			const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
			// Fields after the "(comm)" part: state ppid pgrp … ; rss (pages) is field 24.
			const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
			// Skip the watchdog (the group leader): count what n8n itself uses.
			if (Number(fields[2]) !== pgid || Number(entry) === pgid) continue;
			total += Number(fields[21]) * 4096;
		} catch {
			// Process ended while we looked.
		}
	}
	return total;
}

/**
 * Starts `n8n start` on 127.0.0.1 and resolves once it is healthy and the given webhooks answer.
 * Always call `stop()` (in `afterAll`/`finally`); the process is also killed when the test
 * process exits or dies.
 */
export async function startServer(
	home: N8nHome,
	options: StartServerOptions = {},
): Promise<N8nServer> {
	const port = options.port ?? (await freePort());
	const brokerPort = await freePort();
	const url = `http://127.0.0.1:${port}`;
	const started = Date.now();
	const child = spawnGroup(
		home.install.node,
		[home.install.n8nBin, options.command ?? 'start', ...(options.args ?? [])],
		{
			cwd: home.dir,
			env: home.env({
				N8N_PORT: String(port),
				N8N_HOST: '127.0.0.1',
				N8N_PROTOCOL: 'http',
				N8N_EDITOR_BASE_URL: `${url}/`,
				N8N_WEBHOOK_URL: `${url}/`,
				N8N_RUNNERS_BROKER_PORT: String(brokerPort),
				...options.env,
			}),
		},
	);
	const pid = child.pid;
	if (pid === undefined) throw new Error(`could not spawn n8n ${options.command ?? 'start'}`);

	let output = '';
	const append = (chunk: Buffer): void => {
		output += chunk.toString('utf8');
		// Keep memory bounded on chatty runs; the tail is what helps debugging.
		if (output.length > 2_000_000) output = output.slice(-1_000_000);
	};
	child.stdout?.on('data', append);
	child.stderr?.on('data', append);
	let exitInfo: string | undefined;
	const exited = new Promise<void>((resolve) => {
		child.once('exit', (code, signal) => {
			exitInfo = `n8n exited (${code ?? signal})`;
			resolve();
		});
	});
	const abort = (): string | undefined =>
		exitInfo === undefined ? undefined : `${exitInfo}\n--- n8n output (tail) ---\n${tail(output)}`;

	let stopped = false;
	const stop = async (graceMs = 20_000): Promise<void> => {
		if (stopped) return;
		stopped = true;
		if (exitInfo === undefined) {
			try {
				process.kill(pid, 'SIGTERM');
			} catch {
				// Already gone.
			}
			let timer: NodeJS.Timeout | undefined;
			await Promise.race([
				exited,
				new Promise<void>((resolve) => (timer = setTimeout(resolve, graceMs))),
			]);
			clearTimeout(timer);
		}
		killGroup(pid, 'SIGKILL');
		await exited;
	};
	const kill = async (): Promise<void> => {
		stopped = true;
		killGroup(pid, 'SIGKILL');
		await exited;
	};

	const waitForWebhook = async (
		path: string,
		method = 'POST',
		timeoutMs = 60_000,
	): Promise<void> => {
		// OPTIONS (a CORS preflight) never runs a workflow; n8n adds Access-Control-Allow-Methods
		// only when the path is registered, and answers 204 either way.
		await pollUntil(
			`webhook ${method} /webhook/${path}`,
			async () => {
				const answer = await httpRequest(`${url}/webhook/${path}`, 'OPTIONS', {
					'Access-Control-Request-Method': method,
					Origin: url,
				});
				const allowed = String(answer.headers['access-control-allow-methods'] ?? '')
					.split(',')
					.map((value) => value.trim().toUpperCase());
				return allowed.includes(method.toUpperCase()) ? true : undefined;
			},
			{ timeoutMs, intervalMs: 250, abort },
		);
	};

	let ready = false;
	try {
		const readyTimeoutMs = options.readyTimeoutMs ?? 120_000;
		await pollUntil(
			'n8n /healthz/readiness',
			async () =>
				(await httpRequest(`${url}/healthz/readiness`, 'GET')).status === 200 ? true : undefined,
			{ timeoutMs: readyTimeoutMs, intervalMs: 250, abort },
		);
		const healthyMs = Date.now() - started;
		for (const webhook of options.webhooks ?? []) {
			const { path, method } =
				typeof webhook === 'string' ? { path: webhook, method: 'POST' } : webhook;
			await waitForWebhook(
				path,
				method ?? 'POST',
				Math.max(1000, readyTimeoutMs - (Date.now() - started)),
			);
		}
		const readyMs = Date.now() - started;
		ready = true;
		return {
			url,
			port,
			pid,
			webhookUrl: (path) => `${url}/webhook/${path.replace(/^\//, '')}`,
			waitForWebhook,
			logs: () => output,
			memoryRssBytes: () => (isAlive(pid) ? groupRssBytes(pid) : 0),
			timings: { healthyMs, readyMs },
			stop,
			kill,
		};
	} finally {
		// Never leave a half-started server behind when start-up fails or times out.
		if (!ready) await stop(5000);
	}
}
