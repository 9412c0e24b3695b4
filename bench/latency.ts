/* eslint-disable @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports -- benchmarks drive a local server and measure the process, never shipped */
import * as http from 'http';
import type { AddressInfo } from 'net';

/**
 * A proxy in front of the simulator that holds every request `delayMs` before forwarding it:
 * a network round trip, which loopback does not have. With `spreadMs`, each hold is `delayMs`
 * plus up to `spreadMs` more (a fixed pseudo-random sequence, the same in every run), as real
 * round trips vary. Runs in the benchmark's process but does no CPU work while it waits.
 */
export async function latencyProxy(
	target: string,
	delayMs: number,
	spreadMs = 0,
): Promise<{ url: string; close(): Promise<void> }> {
	const upstream = new URL(target);
	let seed = 7;
	const hold = () => {
		seed = (seed * 1103515245 + 12345) % 2147483648;
		return delayMs + Math.floor((seed / 2147483648) * spreadMs);
	};
	const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
	const server = http.createServer((req, res) => {
		setTimeout(() => {
			const forward = http.request(
				{
					host: upstream.hostname,
					port: upstream.port,
					method: req.method,
					path: req.url,
					headers: req.headers,
					agent,
				},
				(answer) => {
					res.writeHead(answer.statusCode ?? 502, answer.headers);
					answer.pipe(res);
				},
			);
			forward.on('error', () => res.destroy());
			req.pipe(forward);
		}, hold());
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
	const { port } = server.address() as AddressInfo;
	return {
		url: `http://127.0.0.1:${port}`,
		close: async () => {
			agent.destroy();
			server.closeAllConnections();
			await new Promise<void>((resolve) => server.close(() => resolve()));
		},
	};
}
