/* eslint-disable @n8n/community-nodes/no-restricted-imports -- e2e tooling that drives a real n8n process, never shipped */
import { request } from 'http';

export interface HttpAnswer {
	status: number;
	headers: Record<string, string | string[] | undefined>;
	raw: Buffer;
	/** Parsed JSON, or the text when it is not JSON. */
	body: unknown;
}

/** One HTTP request to 127.0.0.1 (no keep-alive); `body` is sent as is (Buffer/string) or as JSON. */
export async function http(
	url: string,
	method: string,
	body?: unknown,
	headers: Record<string, string> = {},
	timeoutMs = 30_000,
): Promise<HttpAnswer> {
	const payload =
		body === undefined
			? undefined
			: Buffer.isBuffer(body) || typeof body === 'string'
				? body
				: JSON.stringify(body);
	const allHeaders: Record<string, string> = { connection: 'close', ...headers };
	if (payload !== undefined && !Object.keys(headers).some((key) => /^content-type$/i.test(key))) {
		allHeaders['content-type'] = 'application/json';
	}
	return await new Promise<HttpAnswer>((resolvePromise, reject) => {
		const req = request(url, { method, headers: allHeaders, timeout: timeoutMs }, (res) => {
			const chunks: Buffer[] = [];
			res.on('data', (chunk: Buffer) => chunks.push(chunk));
			res.on('end', () => {
				const raw = Buffer.concat(chunks);
				let parsed: unknown = raw.toString('utf8');
				try {
					parsed = JSON.parse(parsed as string);
				} catch {
					// Not JSON: keep the text.
				}
				resolvePromise({ status: res.statusCode ?? 0, headers: res.headers, raw, body: parsed });
			});
			res.on('error', reject);
		});
		req.on('timeout', () => req.destroy(new Error(`${method} ${url} timed out`)));
		req.on('error', reject);
		req.end(payload);
	});
}
