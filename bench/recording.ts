/* eslint-disable @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports, @n8n/community-nodes/no-dangerous-functions -- benchmarks drive a local server and measure the process, and start their own helper processes (fixed scripts, no user input), never shipped */
import { fork } from 'child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';

import { list, MB, median, round, type Result } from './lib';
import type { RecordingMode, RecordingReport } from './recordingWorker';
import { startSim, type SimHandle } from './sim';

const BIG = Number(process.env.BENCH_RECORDING_MB ?? 50) * MB;
const SMALL = 64 * 1024;

/** Runs one download in a fresh worker process (see recordingWorker.ts) and returns its report. */
async function measureOnce(
	sim: SimHandle,
	mode: RecordingMode,
	conversationId: string,
	dir: string,
): Promise<RecordingReport & { simGrowth: number }> {
	await sim.setRecordingBytes(SMALL);
	const worker = fork(join(__dirname, 'recordingWorker.js'), [], {
		// BENCH_WORKER_FLAGS: extra V8 flags for the worker (to test the GC explanation in BENCHMARKS.md).
		execArgv: ['--expose-gc', ...(process.env.BENCH_WORKER_FLAGS ?? '').split(' ').filter(Boolean)],
		env: {
			...process.env,
			TMPDIR: dir,
			BENCH_MODE: mode,
			BENCH_URL: sim.url,
			BENCH_KEY: sim.apiKey,
			BENCH_CONVERSATION: conversationId,
		},
		stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
	});
	let simBefore = 0;
	let simPeak = 0;
	let polling: NodeJS.Timeout | undefined;
	const report = await new Promise<RecordingReport>((resolve, reject) => {
		worker.on(
			'message',
			(message: { warmed?: boolean; report?: RecordingReport; error?: string }) => {
				if (message.warmed) {
					void (async () => {
						await sim.setRecordingBytes(BIG);
						simBefore = await sim.rss();
						simPeak = simBefore;
						// The simulator's own RSS, for the notes (it streams too).
						polling = setInterval(() => {
							void sim.rss().then((rss) => (simPeak = Math.max(simPeak, rss)));
						}, 5);
						worker.send({ go: true });
					})();
				} else if (message.report) resolve(message.report);
				else if (message.error) reject(new Error(message.error));
			},
		);
		worker.on('exit', (code) => reject(new Error(`recording worker exited (${code})`)));
	});
	clearInterval(polling);
	await new Promise<void>((resolve) => {
		if (worker.exitCode !== null) resolve();
		else worker.once('exit', () => resolve());
	});
	return { ...report, simGrowth: simPeak - simBefore };
}

/**
 * A 50 MB recording downloaded by Conversation → Download Recording into filesystem binary mode:
 * peak RSS growth of the process running the node. The simulator runs in a child process so its
 * memory is not counted; each download runs in its own fresh process.
 */
export async function recording(repeat: number): Promise<Result[]> {
	const sim = await startSim('child');
	const dir = mkdtempSync(join(tmpdir(), 'formantai-bench-'));
	try {
		const [conversationId] = await sim.seedConversations(1);
		const runs = Math.max(3, repeat);
		const modes: RecordingMode[] = [
			'node-filesystem',
			'plain-buffer',
			'node-default',
			'plain-stream',
		];
		const reports: Record<string, Array<RecordingReport & { simGrowth: number }>> = {};
		for (let i = 0; i < runs; i++) {
			for (const mode of modes) {
				(reports[mode] ??= []).push(await measureOnce(sim, mode, conversationId, dir));
				// The downloaded files go; the folder stays for the next worker.
				rmSync(dir, { recursive: true, force: true });
				mkdirSync(dir);
			}
		}
		const growth = (mode: RecordingMode) => reports[mode].map((r) => (r.peak - r.rssBefore) / MB);
		const med = (mode: RecordingMode) => median(growth(mode));
		const describe = (mode: RecordingMode) => {
			const r = reports[mode];
			const part = (key: 'heapUsed' | 'external') =>
				list(
					r.map((x) => (x.atPeak[key] - x.before[key]) / MB),
					1,
				);
			return `${mode}: growth ${list(growth(mode), 1)} MB (at the peak: V8 heap +${part('heapUsed')} MB, Buffers/external +${part('external')} MB), ${list(r.map((x) => x.ms))} ms, ${r[0].bytes} bytes, ${r[0].samples} samples; simulator RSS growth ${list(
				r.map((x) => x.simGrowth / MB),
				1,
			)} MB`;
		};
		const fs = med('node-filesystem');
		const sizeOk = reports['node-filesystem'].every((r) => r.bytes >= BIG - 64);
		return [
			{
				bench: `Download Recording, ${round(BIG / MB, 0)} MB (filesystem binary mode, each download in a fresh process)`,
				metric: 'peak RSS growth',
				measured: round(fs, 1),
				unit: 'MB',
				baseline: round(med('plain-buffer'), 1),
				ratio: round(fs / med('plain-buffer'), 3),
				target: '≤ 16 MB (baseline = plain http download buffered whole)',
				pass: fs <= 16 && sizeOk,
				note: [
					describe('node-filesystem'),
					describe('plain-buffer'),
					`context: ${describe('node-default')} (n8n default binary mode keeps files in memory)`,
					`context: ${describe('plain-stream')} (plain http piped to a file: the floor)`,
				].join('\n        '),
			},
		];
	} finally {
		rmSync(dir, { recursive: true, force: true });
		await sim.close();
	}
}
