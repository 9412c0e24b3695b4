import type { ICredentialDataDecryptedObject } from 'n8n-workflow';

export const REGION_BASE_URLS: Record<string, string> = {
	global: 'https://api.voice.formantai.com',
	india: 'https://api.in.voice.formantai.com',
};

/**
 * The base URL the /v1 paths hang off, from the credential's region (or its custom URL).
 * Returns an error sentence instead of throwing so the caller can raise the right n8n error.
 */
export function resolveBaseUrl(
	credentials: ICredentialDataDecryptedObject,
): { baseUrl: string } | { error: string } {
	const region = String(credentials.region ?? 'global');
	if (region !== 'custom') {
		const baseUrl = REGION_BASE_URLS[region];
		return baseUrl ? { baseUrl } : { error: `Unknown FormantAI region "${region}"` };
	}
	const raw = String(credentials.baseUrl ?? '').trim();
	let url: URL;
	try {
		url = new URL(raw);
	} catch {
		return { error: `The credential's Base URL "${raw}" is not a valid URL` };
	}
	if (url.protocol !== 'https:' && url.protocol !== 'http:') {
		return {
			error: `The credential's Base URL must start with http:// or https:// (got "${raw}")`,
		};
	}
	const plain = plainHttpProblem(url);
	if (plain) return { error: plain };
	return { baseUrl: raw.replace(/\/+$/, '') };
}

/** This machine: 127.0.0.0/8, ::1 and localhost. Only there may the API key travel unencrypted. */
export function isLoopbackHost(hostname: string): boolean {
	const host = hostname
		.toLowerCase()
		.replace(/^\[|\]$/g, '')
		.replace(/\.$/, '');
	if (host === 'localhost' || host.endsWith('.localhost') || host === '::1') return true;
	return /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

/**
 * Why a URL may not carry the API key: `http://` to any host but this machine sends it over the
 * network in clear text. Undefined when the URL is fine (https, or http to loopback).
 */
export function plainHttpProblem(url: URL): string | undefined {
	if (url.protocol !== 'http:' || isLoopbackHost(url.hostname)) return undefined;
	return `The credential's Base URL "${url.origin}" is plain http:// to another machine, so the API key would cross the network unencrypted: use https://. Plain http:// is allowed only to this machine (localhost, 127.0.0.1, ::1), e.g. a local simulator or proxy.`;
}
