/* eslint-disable @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports, no-console -- benchmarks drive a local server, measure the process and print, never shipped */
import './env';

import { cpus, loadavg, totalmem } from 'os';

import { readResults, RESULTS_PATH, updateDoc, writeResults } from './doc';
import { MB, round, type Result } from './lib';
import { mergeRows, rowsFromResults } from './results';

interface Bench {
	name: string;
	describe: string;
	run(): Promise<Result[]>;
}

const REPEAT = Number(process.env.BENCH_REPEAT ?? 5);
const WARMUP = Number(process.env.BENCH_WARMUP ?? 1);

// Each module is loaded only when its benchmark runs, so one bench never pays for another's imports.
const benches: Bench[] = [
	{
		name: 'returnAll',
		describe: 'Conversation → Get Many, Return All, 10,000 conversations',
		run: async () => {
			const { returnAll } = await import('./returnAll');
			return [
				...(await returnAll('child', REPEAT, WARMUP)),
				...(await returnAll('in-process', REPEAT, WARMUP)),
				// A network between n8n and FormantAI: 20 ms per request, then 20–60 ms (round trips vary).
				...(await returnAll('child', REPEAT, WARMUP, 20)),
				...(await returnAll('child', REPEAT, WARMUP, 20, 40)),
			];
		},
	},
	{
		name: 'listSearch',
		describe: 'Version 2 lists (Agent, Conversation) on 10,000 conversations: ms per search',
		run: async () => {
			const { listSearchBench } = await import('./listSearch');
			return await listSearchBench('child', REPEAT, WARMUP);
		},
	},
	{
		name: 'manyCalls',
		describe: '1,000 items → Call → Create; then with 10 % 429 + Retry-After: 0',
		run: async () => {
			const { manyCalls } = await import('./manyCalls');
			return [
				...(await manyCalls('child', REPEAT, WARMUP)),
				...(await manyCalls('in-process', REPEAT, WARMUP)),
			];
		},
	},
	{
		name: 'recording',
		describe: 'Conversation → Download Recording, 50 MB, filesystem binary mode: peak RSS growth',
		run: async () => {
			const { recording } = await import('./recording');
			return await recording(3);
		},
	},
	{
		name: 'upload',
		describe:
			'Transcription → Create, 500 MB recording in filesystem binary mode: peak RSS growth vs. a plain stream-upload',
		run: async () => {
			const { upload } = await import('./upload');
			return await upload(REPEAT);
		},
	},
	{
		name: 'campaign',
		describe:
			'Batch → Create, 100,000 rows: from a ~10 MB CSV file (filesystem mode) and from 10k/50k/100k input items',
		run: async () => {
			const { campaign } = await import('./campaign');
			return await campaign(REPEAT);
		},
	},
	{
		name: 'trigger',
		describe: 'FormantAI Trigger webhook(): signature, dedupe, Simplify; 10,000 events',
		run: async () => {
			const { triggerThroughput } = await import('./trigger');
			return await triggerThroughput(REPEAT, WARMUP);
		},
	},
	{
		name: 'triggerCost',
		describe:
			'FormantAI Trigger vs n8n’s Webhook node in its place, standard load, one process on Postgres and queue mode: WAL bytes per event, deliveries/s (BENCH_TOPOLOGIES=single,queue)',
		run: async () => {
			const { triggerCost } = await import('./triggerCost');
			return await triggerCost((process.env.BENCH_TOPOLOGIES ?? 'single,queue').split(','));
		},
	},
	{
		name: 'package',
		describe: 'packed size, runtime dependencies, load time of dist/ in a fresh process',
		run: async () => {
			const { packageBench } = await import('./package');
			return await packageBench(REPEAT);
		},
	},
];

const verdict = (r: Result): string => (r.info ? 'info' : r.pass ? 'PASS' : 'MISS');

function formatTable(results: Result[]): string {
	const rows = [
		'| Benchmark | Metric | Measured | Baseline | Ratio | Target | Verdict |',
		'|---|---|---|---|---|---|---|',
	];
	for (const r of results) {
		rows.push(
			`| ${r.bench} | ${r.metric} | ${r.measured} ${r.unit} | ${r.baseline === undefined ? '—' : `${r.baseline} ${r.unit}`} | ${r.ratio === undefined ? '—' : `${r.ratio}×`} | ${r.target} | ${verdict(r)} |`,
		);
	}
	return rows.join('\n');
}

async function main(): Promise<void> {
	const wanted = process.argv.slice(2);
	const unknown = wanted.filter((w) => !benches.some((b) => b.name === w));
	if (unknown.length > 0) {
		console.error(
			`Unknown benchmark(s): ${unknown.join(', ')}. Known: ${benches.map((b) => b.name).join(', ')}`,
		);
		process.exit(2);
	}
	const selected = wanted.length ? benches.filter((b) => wanted.includes(b.name)) : benches;
	const cpu = cpus()[0]?.model ?? 'unknown CPU';
	console.log(
		`Machine: ${cpus().length} CPUs (${cpu}), ${round(totalmem() / MB / 1024, 1)} GB RAM, Node ${process.version}; load average ${loadavg()
			.map((l) => round(l, 2))
			.join(' ')}; median of ${REPEAT} runs after ${WARMUP} warm-up`,
	);
	const all: Result[] = [];
	let file = readResults();
	// The settings that change the figures go into the command written next to them.
	const settings = [
		'BENCH_REPEAT',
		'BENCH_WARMUP',
		'BENCH_CAMPAIGN_ONLY',
		'BENCH_CAMPAIGN_RUNS',
		'BENCH_RECORDING_MB',
	]
		.filter((name) => process.env[name] !== undefined)
		.map((name) => `${name}=${process.env[name]} `)
		.join('');
	for (const bench of selected) {
		console.log(`\n## ${bench.name}: ${bench.describe}`);
		const run = {
			date: new Date().toISOString().slice(0, 10),
			load: String(round(loadavg()[0], 1)),
			command: `${settings}npm run bench -- ${bench.name}`,
		};
		try {
			const results = await bench.run();
			for (const r of results) {
				const ratio =
					r.ratio === undefined ? '' : ` = ${r.ratio}× of baseline ${r.baseline} ${r.unit}`;
				console.log(
					`  ${verdict(r)}  ${r.bench} — ${r.metric}: ${r.measured} ${r.unit}${ratio} (target ${r.target})`,
				);
				if (r.note) console.log(`        ${r.note}`);
			}
			all.push(...results);
			// BENCH_CAMPAIGN_ONLY measures half of the campaign's rows; the other half stays. The
			// trigger's cost rows are per topology and n8n settings: a run replaces only its own.
			const partial =
				(bench.name === 'campaign' && process.env.BENCH_CAMPAIGN_ONLY !== undefined) ||
				bench.name === 'triggerCost';
			file = mergeRows(file, bench.name, rowsFromResults(bench.name, results, run), partial);
		} catch (error) {
			// A failed run keeps the benchmark's last figures in the results file.
			console.log(`  ERROR ${bench.name}: ${(error as Error).stack ?? String(error)}`);
			all.push({
				bench: bench.name,
				metric: 'run',
				measured: 0,
				unit: '',
				target: 'runs',
				pass: false,
				note: (error as Error).message,
			});
		}
	}
	console.log(`\n${formatTable(all)}`);
	writeResults(file);
	const problems = updateDoc(file);
	console.log(`\nResults written to ${RESULTS_PATH}; BENCHMARKS.md rewritten from them.`);
	for (const problem of problems) console.log(`  check: ${problem}`);
	const missed = all.filter((r) => !r.pass).length;
	console.log(missed ? `${missed} target(s) missed.` : 'Every target met.');
	// Benchmarks report misses; they do not fail the command (they are not tests).
	process.exit(0);
}

void main();
