/* eslint-disable @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports -- benchmarks drive a local server and measure the process, never shipped */
import { randomBytes } from 'crypto';
import { closeSync, mkdirSync, mkdtempSync, openSync, rmSync, writeSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';

import { list, MB, median, round, type Result } from './lib';
import { startSim, type SimHandle } from './sim';
import { forkMeasured, type MeasuredReport } from './measured';
import type { UploadMode } from './uploadWorker';

const BIG = Number(process.env.BENCH_UPLOAD_MB ?? 500) * MB;
const SMALL = 256 * 1024;

/** A file of `bytes` pseudo-random bytes (a 1 MB random block, repeated). */
function writeFile(path: string, bytes: number): void {
	const block = randomBytes(MB);
	const fd = openSync(path, 'w');
	try {
		for (let written = 0; written < bytes; written += MB) {
			writeSync(fd, block, 0, Math.min(MB, bytes - written));
		}
	} finally {
		closeSync(fd);
	}
}

type UploadRun = MeasuredReport<void> & { received: number };

async function measureOnce(
	sim: SimHandle,
	mode: UploadMode,
	files: { big: string; small: string },
	work: string,
): Promise<UploadRun> {
	const report = await forkMeasured<void>('uploadWorker.js', {
		TMPDIR: work,
		BENCH_MODE: mode,
		BENCH_URL: sim.url,
		BENCH_KEY: sim.apiKey,
		BENCH_FILE: files.big,
		BENCH_SMALL_FILE: files.small,
	});
	const sizes = (await sim.summary()).uploadSizes;
	await sim.reset();
	return { ...report, received: sizes[sizes.length - 1] ?? 0 };
}

/**
 * Transcription → Create of a 500 MB recording stored in n8n's filesystem binary mode: peak RSS
 * growth of the process running the node, against a plain `http` multipart upload streaming the
 * same file to the same simulator (the floor) and one that reads it whole first (buffered).
 */
export async function upload(repeat: number): Promise<Result[]> {
	const sim = await startSim('child', { maxBodyBytes: BIG + 16 * MB });
	const root = mkdtempSync(join(tmpdir(), 'formantai-bench-upload-'));
	const files = { big: join(root, 'big.wav'), small: join(root, 'small.wav') };
	const work = join(root, 'work');
	try {
		writeFile(files.big, BIG);
		writeFile(files.small, SMALL);
		const runs = Math.max(3, Math.min(repeat, 3));
		const modes: UploadMode[] = ['node-filesystem', 'plain-stream', 'plain-buffer'];
		const reports: Record<string, UploadRun[]> = {};
		for (let i = 0; i < runs; i++) {
			for (const mode of modes) {
				mkdirSync(work, { recursive: true });
				(reports[mode] ??= []).push(await measureOnce(sim, mode, files, work));
				rmSync(work, { recursive: true, force: true });
			}
		}
		const growth = (mode: UploadMode) => reports[mode].map((r) => (r.peak - r.rssBefore) / MB);
		const med = (mode: UploadMode) => median(growth(mode));
		const describe = (mode: UploadMode) => {
			const r = reports[mode];
			const part = (key: 'heapUsed' | 'external') =>
				list(
					r.map((x) => (x.atPeak[key] - x.before[key]) / MB),
					1,
				);
			return `${mode}: growth ${list(growth(mode), 1)} MB (at the peak: V8 heap +${part('heapUsed')} MB, Buffers/external +${part('external')} MB), ${list(r.map((x) => x.ms))} ms, ${r[0].samples} samples, simulator received ${list(r.map((x) => x.received))} bytes`;
		};
		const node = med('node-filesystem');
		const floor = med('plain-stream');
		const buffered = med('plain-buffer');
		const complete = Object.values(reports).every((r) => r.every((x) => x.received === BIG));
		const label = `Transcription → Create, ${round(BIG / MB, 0)} MB recording (filesystem binary mode, each upload in a fresh process)`;
		return [
			{
				bench: label,
				metric: 'Transcription → Create, filesystem mode: peak RSS growth vs. plain stream-upload',
				measured: round(node, 1),
				unit: 'MB',
				baseline: round(floor, 1),
				ratio: round(node / floor, 3),
				target: '≤ 1.2× the plain stream-upload (the floor), whole file received',
				pass: node <= 1.2 * floor && complete,
				note: [describe('node-filesystem'), describe('plain-stream')].join('\n        '),
			},
			{
				bench: label,
				metric: 'the same vs. a plain upload of the file read whole (buffered)',
				measured: round(node, 1),
				unit: 'MB',
				baseline: round(buffered, 1),
				ratio: round(node / buffered, 3),
				target: 'far below the buffered baseline (≤ 0.2×)',
				pass: node <= 0.2 * buffered && complete,
				note: describe('plain-buffer'),
			},
		];
	} finally {
		rmSync(root, { recursive: true, force: true });
		await sim.close();
	}
}
