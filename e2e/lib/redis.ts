/* eslint-disable @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports -- e2e tooling that starts a real Redis, never shipped */
import { mkdtempSync, readFileSync, rmSync } from 'fs';
import { connect } from 'net';
import { tmpdir } from 'os';
import { join } from 'path';

import { freePort, isAlive, killGroup, pollUntil, spawnGroup } from './proc';
import { ensureDebianPackages } from './system';

export interface Redis {
	host: string;
	port: number;
	memoryRssBytes(): number;
	/**
	 * A planned restart: `SHUTDOWN SAVE` (the data set goes to its dump file), then redis-server
	 * again on the same port, which loads it back. Clients see their connections drop meanwhile.
	 */
	restart(): Promise<void>;
	stop(): Promise<void>;
}

/** Sends one inline command; resolves with the first line of the answer ('' if none). */
async function command(port: number, line: string): Promise<string> {
	return await new Promise<string>((resolve) => {
		const socket = connect(port, '127.0.0.1');
		let answer = '';
		socket.setTimeout(2000, () => socket.destroy());
		socket.on('connect', () => socket.write(`${line}\r\n`));
		socket.on('data', (chunk: Buffer) => {
			answer += chunk.toString('utf8');
			if (answer.includes('\r\n')) socket.end();
		});
		socket.on('close', () => resolve(answer.split('\r\n')[0]));
		socket.on('error', () => resolve(''));
	});
}

/** Redis (Debian's redis-server) on 127.0.0.1, in memory (saved only on a restart), stopped with its process group. */
export async function startRedis(): Promise<Redis> {
	await ensureDebianPackages(['redis-server']);
	const port = await freePort();
	const dir = mkdtempSync(join(tmpdir(), 'formantai-redis-'));
	let pid = 0;
	let exited = false;
	const launch = async (): Promise<void> => {
		const child = spawnGroup(
			'redis-server',
			[
				'--port',
				String(port),
				'--bind',
				'127.0.0.1',
				'--dir',
				dir,
				'--save',
				'',
				'--appendonly',
				'no',
				'--daemonize',
				'no',
			],
			{ env: { PATH: process.env.PATH ?? '' } },
		);
		if (child.pid === undefined) throw new Error('could not spawn redis-server');
		pid = child.pid;
		exited = false;
		child.once('exit', () => (exited = true));
		await pollUntil(
			'redis PONG',
			async () => ((await command(port, 'PING')) === '+PONG' ? true : undefined),
			{
				timeoutMs: 15_000,
				intervalMs: 100,
				abort: () => (exited ? 'redis-server exited' : undefined),
			},
		);
	};
	const waitGone = async (): Promise<void> => {
		const gone = pid;
		await pollUntil('redis stopped', async () => (isAlive(gone) ? undefined : true), {
			timeoutMs: 10_000,
		}).catch(() => killGroup(gone, 'SIGKILL'));
	};
	const stop = async (): Promise<void> => {
		if (pid !== 0 && isAlive(pid)) killGroup(pid, 'SIGTERM');
		await waitGone();
		rmSync(dir, { recursive: true, force: true });
	};
	let ready = false;
	try {
		await launch();
		ready = true;
	} finally {
		if (!ready) await stop();
	}
	return {
		host: '127.0.0.1',
		port,
		memoryRssBytes: () => {
			try {
				const rss = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
				return rss ? Number(rss[1]) * 1024 : 0;
			} catch {
				return 0;
			}
		},
		restart: async () => {
			await command(port, 'SHUTDOWN SAVE');
			await waitGone();
			await launch();
		},
		stop,
	};
}
