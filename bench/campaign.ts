/* eslint-disable @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports -- benchmarks drive a local server and measure the process, never shipped */
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';

import { campaignCsv } from './campaignData';
import type { CampaignMode } from './campaignWorker';
import { list, MB, median, round, type Result } from './lib';
import { forkMeasured, type MeasuredReport } from './measured';
import { startSim, type SimHandle } from './sim';

// BENCH_CAMPAIGN_ROWS makes a smaller campaign (a quick check of the bench itself).
const ROWS = Number(process.env.BENCH_CAMPAIGN_ROWS ?? 100_000);
const ITEM_SIZES = [ROWS / 10, ROWS / 2, ROWS];
// BENCH_CAMPAIGN_ONLY=file or =items runs one half (while working on it).
const ONLY = process.env.BENCH_CAMPAIGN_ONLY;

type Run = MeasuredReport<number | undefined> & { received: number };

async function measureOnce(
	sim: SimHandle,
	mode: CampaignMode,
	rows: number,
	files: { big: string; small: string },
	work: string,
): Promise<Run> {
	mkdirSync(work, { recursive: true });
	try {
		const report = await forkMeasured<number | undefined>(
			'campaignWorker.js',
			{
				TMPDIR: work,
				BENCH_MODE: mode,
				BENCH_ROWS: String(rows),
				BENCH_URL: sim.url,
				BENCH_KEY: sim.apiKey,
				BENCH_FILE: files.big,
				BENCH_SMALL_FILE: files.small,
			},
			// The warm-up's campaign goes, so only the measured upload is in the simulator.
			async () => await sim.reset(),
		);
		const sizes = (await sim.summary()).uploadSizes;
		return { ...report, received: sizes[sizes.length - 1] ?? 0 };
	} finally {
		await sim.reset();
		rmSync(work, { recursive: true, force: true });
	}
}

type Runs = Run[];
const growthOf = (r: Runs) => r.map((x) => (x.peak - x.rssBefore) / MB);
const timeOf = (r: Runs, own = false) => r.map((x) => (own ? (x.value ?? x.ms) : x.ms));
const describe = (name: string, r: Runs) =>
	`${name}: wall ${list(timeOf(r))} ms${r[0].value !== undefined ? ` (node's own ${list(timeOf(r, true))} ms)` : ''}, peak RSS growth ${list(growthOf(r), 1)} MB (V8 heap +${list(
		r.map((x) => (x.atPeak.heapUsed - x.before.heapUsed) / MB),
		1,
	)} MB at the peak), uploaded ${r[0].received} bytes`;

/**
 * Batch → Create of a 100,000-row campaign: from a ~10 MB CSV file in filesystem binary mode
 * (against csv-parse + a plain upload), and from 10k/50k/100k input items (against a plain loop
 * building the same CSV); every run in a fresh process, the simulator in a child process.
 */
export async function campaign(repeat: number): Promise<Result[]> {
	const sim = await startSim('child');
	const root = mkdtempSync(join(tmpdir(), 'formantai-bench-campaign-'));
	const files = { big: join(root, 'contacts.csv'), small: join(root, 'small.csv') };
	const work = join(root, 'work');
	// Each run is a fresh process of several seconds: 3 by default; BENCH_CAMPAIGN_RUNS for more
	// (a memory figure that varies from run to run needs more of them).
	const runs = Math.max(1, Number(process.env.BENCH_CAMPAIGN_RUNS ?? Math.min(repeat, 3)));
	const measure = async (modes: readonly CampaignMode[], rows: number) => {
		const out = Object.fromEntries(modes.map((mode) => [mode, [] as Runs]));
		// Interleaved, so drift in the machine's load hits node and baseline alike.
		for (let i = 0; i < runs; i++) {
			for (const mode of modes) out[mode].push(await measureOnce(sim, mode, rows, files, work));
		}
		return out;
	};
	try {
		writeFileSync(files.big, campaignCsv(ROWS));
		writeFileSync(files.small, campaignCsv(1_000));
		const fileMb = statSync(files.big).size / MB;
		const label = `Batch → Create, ${ROWS.toLocaleString('en')} rows (each run in a fresh process)`;
		const results: Result[] = [];
		if (ONLY !== 'items') {
			const file = await measure(['file-node', 'file-baseline'], ROWS);
			results.push(...fileResults(label, fileMb, file['file-node'], file['file-baseline']));
		}
		if (ONLY !== 'file') {
			const items: Record<number, Record<string, Runs>> = {};
			for (const size of ITEM_SIZES)
				items[size] = await measure(['items-node', 'items-baseline'], size);
			results.push(...itemResults(label, items));
		}
		return results;
	} finally {
		rmSync(root, { recursive: true, force: true });
		await sim.close();
	}
}

function fileResults(label: string, fileMb: number, nodeFile: Runs, baseFile: Runs): Result[] {
	const fileGrowth = median(growthOf(nodeFile));
	const fileTime = median(timeOf(nodeFile));
	const baseTime = median(timeOf(baseFile));
	return [
		{
			bench: label,
			metric: `CSV file (${round(fileMb, 1)} MB, filesystem mode): peak RSS growth vs. the file size`,
			measured: round(fileGrowth, 1),
			unit: 'MB',
			baseline: round(fileMb, 1),
			ratio: round(fileGrowth / fileMb, 2),
			target: '≤ 2× the file size',
			pass: fileGrowth <= 2 * fileMb,
			note: `${describe('node', nodeFile)}\n        ${describe('csv-parse + plain upload', baseFile)}`,
		},
		{
			bench: label,
			metric: 'CSV file: wall time vs. csv-parse + plain upload of the same file',
			measured: round(fileTime, 1),
			unit: 'ms',
			baseline: round(baseTime, 1),
			ratio: round(fileTime / baseTime, 2),
			target: '≤ 1.5× baseline',
			pass: fileTime <= 1.5 * baseTime,
			note: `baseline peak RSS growth ${round(median(growthOf(baseFile)), 1)} MB`,
		},
	];
}

function itemResults(label: string, items: Record<number, Record<string, Runs>>): Result[] {
	const results: Result[] = [];
	const perRow = (size: number) => median(timeOf(items[size]['items-node'], true)) / size;
	for (const size of ITEM_SIZES) {
		const n = items[size]['items-node'];
		const b = items[size]['items-baseline'];
		const nodeMs = median(timeOf(n, true));
		const baseMs = median(timeOf(b));
		results.push({
			bench: label,
			metric: `${size.toLocaleString('en')} input items: node's own time vs. a plain loop building the same CSV + upload`,
			measured: round(nodeMs, 1),
			unit: 'ms',
			baseline: round(baseMs, 1),
			ratio: round(nodeMs / baseMs, 2),
			target: 'reported (no target)',
			pass: true,
			info: true,
			note: `${round((nodeMs / size) * 1000, 2)} µs/row; peak RSS growth node ${round(median(growthOf(n)), 1)} MB vs. loop ${round(median(growthOf(b)), 1)} MB\n        ${describe('node', n)}\n        ${describe('plain loop', b)}`,
		});
	}
	const growth = perRow(ROWS) / perRow(ROWS / 10);
	results.push({
		bench: label,
		metric: `input items: time per row at ${ROWS / 1000}k ÷ per row at ${ROWS / 10000}k (no quadratic step)`,
		measured: round(growth, 2),
		unit: '',
		target: '≤ 1.5 (linear; a quadratic step would give ≈ 10)',
		pass: growth <= 1.5,
		note: `per row: ${ITEM_SIZES.map((s) => `${s / 1000}k ${round(perRow(s) * 1000, 2)} µs`).join(', ')}`,
	});
	return results;
}
