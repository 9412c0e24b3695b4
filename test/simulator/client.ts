/* eslint-disable @n8n/community-nodes/no-restricted-imports -- test tooling (a local HTTP server), never shipped */
import axios, { type AxiosInstance } from 'axios';
import * as http from 'http';

// Keep-alive off so jest sees no open sockets after a test file finishes.
const agent = new http.Agent({ keepAlive: false });

/**
 * axios bound to a simulator: base URL, Bearer key (pass apiKey: null to send none), never throws on
 * HTTP status (tests assert on it).
 */
export function simClient(
	sim: { url: string; apiKey: string },
	opts: { apiKey?: string | null } = {},
): AxiosInstance {
	const key = opts.apiKey === undefined ? sim.apiKey : opts.apiKey;
	return axios.create({
		baseURL: sim.url,
		headers: key === null ? {} : { Authorization: `Bearer ${key}` },
		validateStatus: () => true,
		httpAgent: agent,
		proxy: false,
		maxRedirects: 0,
	});
}
