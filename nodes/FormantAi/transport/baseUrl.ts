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
	return { baseUrl: raw.replace(/\/+$/, '') };
}
