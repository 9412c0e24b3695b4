/* eslint-disable @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports -- e2e tooling that drives a real n8n process, never shipped */
import type { ChildProcess } from 'child_process';
import { createServer } from 'net';

import { spawnDetached } from './spawn';

export interface RunResult {
	code: number | null;
	signal: NodeJS.Signals | null;
	stdout: string;
	stderr: string;
	durationMs: number;
}

export interface RunOptions {
	cwd?: string;
	env?: NodeJS.ProcessEnv;
	timeoutMs: number;
	/** Text for error messages, e.g. "n8n execute --id=abc". */
	label?: string;
}

/** Every process group we started and have not reaped yet; killed when the test process exits. */
const liveGroups = new Set<number>();

process.once('exit', () => {
	for (const pid of liveGroups) killGroup(pid, 'SIGKILL');
});

export function killGroup(pid: number, signal: NodeJS.Signals): void {
	try {
		// Negative pid = the whole group: n8n starts task-runner children of its own.
		process.kill(-pid, signal);
	} catch {
		// Group already gone.
	}
}

export function isAlive(pid: number): boolean {
	try {
		process.kill(pid, 0);
		return true;
	} catch {
		return false;
	}
}

/**
 * Environment for child processes with everything npm injects into `npm run` removed:
 * `npm_config_ignore_scripts`, `npm_config_local_prefix`, `npm_config_nodedir` etc. from the
 * project's `.npmrc` would otherwise leak into the harness's own npm calls and into n8n.
 */
export function cleanEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
	const env: NodeJS.ProcessEnv = {};
	for (const [key, value] of Object.entries(process.env)) {
		if (/^npm_/i.test(key) || key === 'INIT_CWD' || key.startsWith('N8N_') || key === 'NODE_OPTIONS') {
			continue;
		}
		env[key] = value;
	}
	return { ...env, ...extra };
}

/**
 * Spawns a command in its own process group (so it can be killed with its children), behind a
 * watchdog that kills the group if this process dies without cleaning up.
 */
export function spawnGroup(
	command: string,
	args: string[],
	options: { cwd?: string; env?: NodeJS.ProcessEnv },
): ChildProcess {
	const child = spawnDetached(command, args, { cwd: options.cwd, env: options.env ?? cleanEnv() });
	if (child.pid !== undefined) {
		const pid = child.pid;
		liveGroups.add(pid);
		child.once('exit', () => {
			// The leader is gone; children it left behind still die with the group.
			killGroup(pid, 'SIGKILL');
			liveGroups.delete(pid);
		});
	}
	return child;
}

/** Runs a command to completion, collecting its output; kills its whole group on timeout. */
export async function run(command: string, args: string[], options: RunOptions): Promise<RunResult> {
	const started = Date.now();
	const child = spawnGroup(command, args, options);
	const out: Buffer[] = [];
	const err: Buffer[] = [];
	child.stdout?.on('data', (chunk: Buffer) => out.push(chunk));
	child.stderr?.on('data', (chunk: Buffer) => err.push(chunk));
	let timedOut = false;
	const timer = setTimeout(() => {
		timedOut = true;
		if (child.pid !== undefined) killGroup(child.pid, 'SIGKILL');
	}, options.timeoutMs);
	try {
		const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>(
			(resolve, reject) => {
				child.once('error', reject);
				child.once('close', (c: number | null, s: NodeJS.Signals | null) => resolve([c, s]));
			},
		);
		const result: RunResult = {
			code,
			signal,
			stdout: Buffer.concat(out).toString('utf8'),
			stderr: Buffer.concat(err).toString('utf8'),
			durationMs: Date.now() - started,
		};
		if (timedOut) {
			throw new ProcessError(
				`${options.label ?? command} timed out after ${options.timeoutMs} ms`,
				result,
			);
		}
		return result;
	} finally {
		clearTimeout(timer);
	}
}

/** Like run(), but a non-zero exit is an error that carries the output. */
export async function runOk(command: string, args: string[], options: RunOptions): Promise<RunResult> {
	const result = await run(command, args, options);
	if (result.code !== 0) {
		throw new ProcessError(
			`${options.label ?? command} exited with ${result.code ?? result.signal}`,
			result,
		);
	}
	return result;
}

export class ProcessError extends Error {
	constructor(
		message: string,
		readonly result: RunResult,
	) {
		super(`${message}\n--- stdout (tail) ---\n${tail(result.stdout)}\n--- stderr (tail) ---\n${tail(result.stderr)}`);
		this.name = 'ProcessError';
	}
}

export function tail(text: string, lines = 40): string {
	return text.split('\n').slice(-lines).join('\n');
}

/** A port that was free a moment ago on 127.0.0.1 (the kernel picks it). */
export async function freePort(): Promise<number> {
	return await new Promise<number>((resolve, reject) => {
		const server = createServer();
		server.once('error', reject);
		server.listen(0, '127.0.0.1', () => {
			const address = server.address();
			const port = typeof address === 'object' && address !== null ? address.port : 0;
			server.close(() => resolve(port));
		});
	});
}

export async function delay(ms: number): Promise<void> {
	await new Promise<void>((resolve) => setTimeout(resolve, ms));
}

/**
 * Calls `probe` every `intervalMs` until it returns a value other than undefined, or throws once
 * `timeoutMs` has passed (with the last probe error, if any). `abort` lets a caller stop early,
 * e.g. when the server process has died.
 */
export async function pollUntil<T>(
	what: string,
	probe: () => Promise<T | undefined>,
	options: { timeoutMs: number; intervalMs?: number; abort?: () => string | undefined },
): Promise<T> {
	const deadline = Date.now() + options.timeoutMs;
	let lastError: unknown;
	for (;;) {
		const reason = options.abort?.();
		if (reason !== undefined) throw new Error(`${what}: ${reason}`);
		try {
			const value = await probe();
			if (value !== undefined) return value;
		} catch (error) {
			lastError = error;
		}
		if (Date.now() >= deadline) {
			const detail = lastError instanceof Error ? ` (last error: ${lastError.message})` : '';
			throw new Error(`${what}: not ready after ${options.timeoutMs} ms${detail}`);
		}
		await delay(options.intervalMs ?? 250);
	}
}
