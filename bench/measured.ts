/* eslint-disable @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports, @n8n/community-nodes/no-dangerous-functions -- benchmarks measure the process and start their own helper processes (fixed scripts, no user input), never shipped */
import { Container } from '@n8n/di';
import { fork } from 'child_process';
import { createReadStream } from 'fs';
import { BinaryDataService } from 'n8n-core';
import type { IBinaryData } from 'n8n-workflow';
import { join } from 'path';

import { gc, rssSampler } from './lib';

/** What a measured worker reports: its RSS before and at the peak, and the step's wall time. */
export interface MeasuredReport<T> {
	rssBefore: number;
	peak: number;
	ms: number;
	samples: number;
	/** Where the memory was at the peak (V8 heap vs. Buffers outside it). */
	atPeak: NodeJS.MemoryUsage;
	before: NodeJS.MemoryUsage;
	/** What the measured step returned. */
	value: T;
}

/**
 * The worker's side: `prepare` warms up and returns the step to measure; when the parent says
 * go, garbage is collected and the step runs with RSS sampled every 1 ms.
 */
export function measureWhenTold<T>(prepare: () => Promise<() => Promise<T>>): void {
	const run = async () => {
		const step = await prepare();
		process.send?.({ warmed: true });
		await new Promise<void>((resolve) => process.once('message', () => resolve()));
		gc();
		const before = process.memoryUsage();
		const sampler = rssSampler(1);
		const started = performance.now();
		const value = await step();
		const ms = performance.now() - started;
		const peak = sampler.stop();
		const report: MeasuredReport<T> = {
			rssBefore: before.rss,
			peak,
			ms,
			samples: sampler.samples(),
			atPeak: sampler.atPeak(),
			before,
			value,
		};
		process.send?.({ report });
	};
	run()
		.catch((error: Error) => process.send?.({ error: error.stack ?? error.message }))
		.finally(() => process.disconnect?.());
}

/**
 * The parent's side: runs `script` (next to this file) in a fresh process with `env`, tells it
 * to go once warmed (after `beforeGo`), and returns its report.
 */
export async function forkMeasured<T>(
	script: string,
	env: Record<string, string>,
	beforeGo?: () => Promise<void>,
): Promise<MeasuredReport<T>> {
	const worker = fork(join(__dirname, script), [], {
		execArgv: ['--expose-gc', ...(process.env.BENCH_WORKER_FLAGS ?? '').split(' ').filter(Boolean)],
		env: { ...process.env, ...env },
		stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
	});
	const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
	const reported = new Promise<MeasuredReport<T>>((resolve, reject) => {
		worker.on(
			'message',
			(message: { warmed?: boolean; report?: MeasuredReport<T>; error?: string }) => {
				if (message.warmed)
					void (beforeGo?.() ?? Promise.resolve()).then(() => worker.send({ go: true }));
				else if (message.report) resolve(message.report);
				else if (message.error) reject(new Error(message.error));
			},
		);
		void exited.then(() => reject(new Error(`${script} exited (${worker.exitCode})`)));
	});
	// A worker that failed may still be busy (e.g. an upload in flight): it must not outlive the bench.
	const report = await reported.catch((error: Error) => {
		worker.kill('SIGKILL');
		throw error;
	});
	await exited;
	return report;
}

/** Puts a file into n8n's binary store from a stream (as Read/Write Files from Disk does). */
export async function storeFile(
	path: string,
	fileName: string,
	mimeType: string,
): Promise<IBinaryData & { id: string }> {
	const stored = await Container.get(BinaryDataService).store(
		{ type: 'execution', workflowId: 'bench', executionId: 'stored' },
		createReadStream(path),
		{ data: '', fileName, mimeType } as IBinaryData,
	);
	if (!stored.id?.startsWith('filesystem')) throw new Error(`not stored on disk: ${stored.id}`);
	return stored as IBinaryData & { id: string };
}
