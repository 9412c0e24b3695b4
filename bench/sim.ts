/* eslint-disable @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports, @n8n/community-nodes/no-dangerous-functions -- benchmarks drive a local server and measure the process, and start their own helper processes (fixed scripts, no user input), never shipped */
import { fork, type ChildProcess } from 'child_process';
import { join } from 'path';

import { start, type FaultSpec, type Simulator, type SimulatorOptions } from '../test/simulator';

/** What the benchmarks need from the simulator, wherever it runs. */
export interface SimSummary {
	/** Requests in the log, by `METHOD path` (query left out). */
	byRoute: Record<string, number>;
	/** Requests in the log, by HTTP status (0 = no answer). */
	byStatus: Record<string, number>;
	/** `offset` values of the list requests, in arrival order. */
	listOffsets: number[];
	/** Sizes of the files uploaded (multipart parts), in arrival order. */
	uploadSizes: number[];
	total: number;
}

export interface PlacedSummary {
	placed: number;
	/** Distinct idempotency keys among placed calls (a key placed twice = a duplicate call). */
	distinctKeys: number;
	/** Distinct destination numbers among placed calls. */
	distinctPhones: number;
	phones: string[];
}

export interface SimHandle {
	url: string;
	apiKey: string;
	/** Where it runs: 'in-process' or 'child process'. */
	where: string;
	/** Seeds ended calls; returns their conversation IDs (oldest first). */
	seedConversations(n: number): Promise<string[]>;
	addFault(spec: FaultSpec): Promise<void>;
	/** Forgets calls, log and faults (seeded conversations go too). */
	reset(): Promise<void>;
	clearLog(): Promise<void>;
	summary(): Promise<SimSummary>;
	placed(): Promise<PlacedSummary>;
	setRecordingBytes(bytes: number): Promise<void>;
	/** RSS of the process the simulator runs in. */
	rss(): Promise<number>;
	close(): Promise<void>;
}

/** Options every benchmark wants: no limit of the simulator's own gets in the way. */
export const UNLIMITED: SimulatorOptions = {
	maxConcurrentCalls: 1_000_000,
	perNumberLimit: false,
	apiRateLimit: { limit: 1_000_000_000, windowMs: 60_000 },
};

function summarise(sim: Simulator): SimSummary {
	const out: SimSummary = {
		byRoute: {},
		byStatus: {},
		listOffsets: [],
		uploadSizes: [],
		total: sim.log.length,
	};
	for (const entry of sim.log) {
		const route = `${entry.method} ${entry.path}`;
		out.byRoute[route] = (out.byRoute[route] ?? 0) + 1;
		out.byStatus[entry.status] = (out.byStatus[entry.status] ?? 0) + 1;
		if (entry.path === '/v1/conversations') out.listOffsets.push(Number(entry.query.offset ?? 0));
		const files = (entry.body as { files?: Array<{ size: number }> } | undefined)?.files;
		for (const file of files ?? []) out.uploadSizes.push(file.size);
	}
	return out;
}

function placedSummary(sim: Simulator): PlacedSummary {
	const placed = sim.callsPlaced();
	return {
		placed: placed.length,
		distinctKeys: new Set(placed.map((c) => c.idempotency_key)).size,
		distinctPhones: new Set(placed.map((c) => c.phone)).size,
		phones: placed.map((c) => c.phone),
	};
}

/** The commands the child process answers (see simChild.ts). */
export type SimCommand =
	| { cmd: 'seed'; n: number }
	| { cmd: 'fault'; spec: FaultSpec }
	| { cmd: 'reset' }
	| { cmd: 'clearLog' }
	| { cmd: 'summary' }
	| { cmd: 'placed' }
	| { cmd: 'recordingBytes'; bytes: number }
	| { cmd: 'rss' };

export async function answer(sim: Simulator, command: SimCommand): Promise<unknown> {
	switch (command.cmd) {
		case 'seed':
			return sim.seedConversations(command.n).map((c) => c.conversation_id);
		case 'fault':
			sim.faults.add(command.spec);
			return null;
		case 'reset':
			sim.reset();
			return null;
		case 'clearLog':
			sim.clearLog();
			return null;
		case 'summary':
			return summarise(sim);
		case 'placed':
			return placedSummary(sim);
		case 'recordingBytes':
			sim.options.recordingBytes = command.bytes;
			return null;
		case 'rss':
			return process.memoryUsage.rss();
	}
}

/** The simulator in this process (shares the event loop and the heap with the node under test). */
export async function inProcess(options: SimulatorOptions = {}): Promise<SimHandle> {
	const sim = await start({ ...UNLIMITED, ...options });
	const ask = async <T>(command: SimCommand) => (await answer(sim, command)) as T;
	return {
		url: sim.url,
		apiKey: sim.apiKey,
		where: 'in-process',
		seedConversations: async (n) => await ask({ cmd: 'seed', n }),
		addFault: async (spec) => await ask({ cmd: 'fault', spec }),
		reset: async () => await ask({ cmd: 'reset' }),
		clearLog: async () => await ask({ cmd: 'clearLog' }),
		summary: async () => await ask({ cmd: 'summary' }),
		placed: async () => await ask({ cmd: 'placed' }),
		setRecordingBytes: async (bytes) => await ask({ cmd: 'recordingBytes', bytes }),
		rss: async () => await ask({ cmd: 'rss' }),
		close: async () => await sim.close(),
	};
}

/**
 * The simulator in a child process: its CPU work runs on another core and its memory is not
 * counted in ours — like a real API server, which is another machine.
 */
export async function childProcess(options: SimulatorOptions = {}): Promise<SimHandle> {
	const child: ChildProcess = fork(join(__dirname, 'simChild.js'), [], {
		env: { ...process.env, BENCH_SIM_OPTIONS: JSON.stringify({ ...UNLIMITED, ...options }) },
		stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
	});
	let next = 0;
	const pending = new Map<number, { resolve(v: unknown): void; reject(e: Error): void }>();
	const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
	const ready = new Promise<{ url: string; apiKey: string }>((resolve, reject) => {
		child.once('error', reject);
		void exited.then(() => reject(new Error('the simulator child process exited')));
		child.on('message', (message: { id?: number; ready?: { url: string; apiKey: string } }) => {
			if (message.ready) resolve(message.ready);
		});
	});
	child.on('message', (message: { id?: number; value?: unknown; error?: string }) => {
		if (message.id === undefined) return;
		const waiter = pending.get(message.id);
		pending.delete(message.id);
		if (message.error !== undefined) waiter?.reject(new Error(message.error));
		else waiter?.resolve(message.value);
	});
	const { url, apiKey } = await ready;
	const ask = async <T>(command: SimCommand): Promise<T> =>
		await new Promise<T>((resolve, reject) => {
			const id = ++next;
			pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
			child.send({ id, command });
		});
	return {
		url,
		apiKey,
		where: 'child process',
		seedConversations: async (n) => await ask({ cmd: 'seed', n }),
		addFault: async (spec) => await ask({ cmd: 'fault', spec }),
		reset: async () => await ask({ cmd: 'reset' }),
		clearLog: async () => await ask({ cmd: 'clearLog' }),
		summary: async () => await ask({ cmd: 'summary' }),
		placed: async () => await ask({ cmd: 'placed' }),
		setRecordingBytes: async (bytes) => await ask({ cmd: 'recordingBytes', bytes }),
		rss: async () => await ask({ cmd: 'rss' }),
		close: async () => {
			child.kill('SIGTERM');
			await exited;
		},
	};
}

export type SimPlacement = 'in-process' | 'child';

export async function startSim(
	where: SimPlacement,
	options: SimulatorOptions = {},
): Promise<SimHandle> {
	return where === 'child' ? await childProcess(options) : await inProcess(options);
}
