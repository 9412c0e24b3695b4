/* eslint-disable @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports, @n8n/community-nodes/no-dangerous-functions -- benchmarks spawn processes and read the package, and start their own helper processes (fixed scripts, no user input), never shipped */
import { execFileSync, spawnSync } from 'child_process';
import { readFileSync } from 'fs';
import { join, resolve } from 'path';
import { performance } from 'perf_hooks';

import { list, median, round, type Result } from './lib';

const root = resolve(__dirname, '..', '..');

interface PackageJson {
	dependencies?: Record<string, string>;
	n8n: { nodes: string[]; credentials: string[] };
}

/** The script the fresh process runs: require (and construct) every node and credential class. */
const LOADER = `
const { performance } = require('perf_hooks');
const files = JSON.parse(process.env.BENCH_FILES);
const t0 = performance.now();
if (process.env.BENCH_PRELOAD) require('n8n-workflow');
const t1 = performance.now();
let classes = 0;
for (const file of files) {
	const mod = require(file);
	for (const value of Object.values(mod)) {
		if (typeof value === 'function' && /^class /.test(value.toString().slice(0, 6))) { new value(); classes++; }
	}
}
const t2 = performance.now();
process.stdout.write(JSON.stringify({ preload: t1 - t0, load: t2 - t1, classes, sinceStart: t2 }));
`;

const EMPTY = `
const { performance } = require('perf_hooks');
process.stdout.write(JSON.stringify({ sinceStart: performance.now() }));
`;

function spawnTimed(
	script: string,
	env: Record<string, string>,
): { wall: number; out: Record<string, number> } {
	const started = performance.now();
	const child = spawnSync(process.execPath, ['-e', script], {
		cwd: root,
		env: { ...process.env, ...env },
		encoding: 'utf8',
	});
	const wall = performance.now() - started;
	if (child.status !== 0) throw new Error(`node -e failed: ${child.stderr}`);
	return { wall, out: JSON.parse(child.stdout) as Record<string, number> };
}

/**
 * The packed tarball's size (`npm pack --dry-run --json`), runtime dependencies, and the time a
 * fresh process takes to load every node and credential class from dist/.
 */
export async function packageBench(repeat: number): Promise<Result[]> {
	if (process.env.BENCH_NO_BUILD !== '1') {
		// Measure what the sources build to now.
		execFileSync('npm', ['run', 'build', '--silent'], { cwd: root, stdio: 'ignore' });
	}
	const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as PackageJson;
	const packed = JSON.parse(
		execFileSync('npm', ['pack', '--dry-run', '--json'], {
			cwd: root,
			encoding: 'utf8',
			stdio: ['ignore', 'pipe', 'ignore'],
		}),
	) as Array<{ size: number; unpackedSize: number; entryCount: number }>;
	const tarball = packed[0];
	const runtimeDeps = Object.keys(pkg.dependencies ?? {});

	const files = [...pkg.n8n.nodes, ...pkg.n8n.credentials].map((f) => join(root, f));
	const env = { BENCH_FILES: JSON.stringify(files) };
	const runs = Math.max(10, repeat * 2);
	// Warm the OS file cache once, untimed.
	spawnTimed(LOADER, env);
	spawnTimed(EMPTY, {});
	const warmPeer: number[] = [];
	const peerAlone: number[] = [];
	const cold: number[] = [];
	const walls: number[] = [];
	const emptyWalls: number[] = [];
	let classes = 0;
	for (let i = 0; i < runs; i++) {
		const preloaded = spawnTimed(LOADER, { ...env, BENCH_PRELOAD: '1' });
		warmPeer.push(preloaded.out.load);
		peerAlone.push(preloaded.out.preload);
		classes = preloaded.out.classes;
		const alone = spawnTimed(LOADER, env);
		cold.push(alone.out.load);
		walls.push(alone.wall);
		emptyWalls.push(spawnTimed(EMPTY, {}).wall);
	}
	const load = median(warmPeer);
	const coldLoad = median(cold);
	const wall = median(walls);
	const emptyWall = median(emptyWalls);
	const label = 'Package';
	return [
		{
			bench: label,
			metric: 'packed tarball (npm pack --dry-run)',
			measured: round(tarball.size / 1024, 1),
			unit: 'KB',
			target: '≤ 80 KB',
			pass: tarball.size <= 80 * 1024,
			note: `${tarball.size} bytes packed, ${tarball.unpackedSize} unpacked, ${tarball.entryCount} files`,
		},
		{
			bench: label,
			metric: 'runtime dependencies',
			measured: runtimeDeps.length,
			unit: '',
			target: '0',
			pass: runtimeDeps.length === 0,
			note: runtimeDeps.length
				? runtimeDeps.join(', ')
				: 'none (n8n-workflow is a peer dependency)',
		},
		{
			bench: label,
			metric: `load ${files.length} dist files (${classes} classes), n8n-workflow already loaded`,
			measured: round(load, 1),
			unit: 'ms',
			target: '≤ 50 ms',
			pass: load <= 50,
			note: `require + new of every node and credential class after require('n8n-workflow') (as inside n8n): ${list(warmPeer, 1)} ms`,
		},
		{
			bench: label,
			metric: 'load the same, cold (n8n-workflow loaded by them)',
			measured: round(coldLoad, 1),
			unit: 'ms',
			target: '≤ 50 ms',
			pass: coldLoad <= 50,
			note: `${list(cold, 1)} ms; require('n8n-workflow') alone (the peer dependency n8n has loaded before any community node): ${round(median(peerAlone), 1)} ms (${list(peerAlone)} ms)`,
		},
		{
			bench: label,
			metric: 'fresh process wall time: load everything cold vs. require nothing',
			measured: round(wall, 1),
			unit: 'ms',
			baseline: round(emptyWall, 1),
			ratio: round(wall / emptyWall, 3),
			target: 'context (no target)',
			pass: true,
			info: true,
			note: `spawn to exit: ${list(walls)} ms vs. ${list(emptyWalls)} ms`,
		},
	];
}
