/* eslint-disable @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports -- e2e tooling that starts a real Redis, never shipped */
import { readFileSync } from 'fs';
import { connect } from 'net';

import { freePort, isAlive, killGroup, pollUntil, spawnGroup } from './proc';
import { ensureDebianPackages } from './system';

export interface Redis {
	host: string;
	port: number;
	memoryRssBytes(): number;
	stop(): Promise<void>;
}

/** Whether Redis answers PING on the port (RESP inline command). */
async function ping(port: number): Promise<boolean> {
	return await new Promise<boolean>((resolve) => {
		const socket = connect(port, '127.0.0.1');
		let answer = '';
		socket.setTimeout(2000, () => socket.destroy());
		socket.on('connect', () => socket.write('PING\r\n'));
		socket.on('data', (chunk: Buffer) => {
			answer += chunk.toString('utf8');
			if (answer.includes('\r\n')) socket.end();
		});
		socket.on('close', () => resolve(answer.startsWith('+PONG')));
		socket.on('error', () => resolve(false));
	});
}

/** Redis (Debian's redis-server) on 127.0.0.1, in memory only, stopped with its process group. */
export async function startRedis(): Promise<Redis> {
	await ensureDebianPackages(['redis-server']);
	const port = await freePort();
	const child = spawnGroup(
		'redis-server',
		[
			'--port',
			String(port),
			'--bind',
			'127.0.0.1',
			'--save',
			'',
			'--appendonly',
			'no',
			'--daemonize',
			'no',
		],
		{ env: { PATH: process.env.PATH ?? '' } },
	);
	const pid = child.pid;
	if (pid === undefined) throw new Error('could not spawn redis-server');
	let exited = false;
	child.once('exit', () => (exited = true));
	const stop = async (): Promise<void> => {
		if (isAlive(pid)) killGroup(pid, 'SIGTERM');
		await pollUntil('redis stopped', async () => (isAlive(pid) ? undefined : true), {
			timeoutMs: 10_000,
		}).catch(() => killGroup(pid, 'SIGKILL'));
	};
	let ready = false;
	try {
		await pollUntil('redis PONG', async () => ((await ping(port)) ? true : undefined), {
			timeoutMs: 15_000,
			intervalMs: 100,
			abort: () => (exited ? 'redis-server exited' : undefined),
		});
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
		stop,
	};
}
