import type { KeyObject } from 'node:crypto';
import type { ICredentialDataDecryptedObject, IWebhookFunctions } from 'n8n-workflow';

import { runtime } from '../FormantAi/transport';
import type { SignatureCheck } from './signature';
import { signingKeys, verifySignature } from './signature';

export const WEBHOOK_CREDENTIAL = 'formantAiWebhookApi';

/**
 * How long a process verifies with the Webhook Secret it last read for a trigger node. Each read
 * of a credential costs n8n a fresh expression isolate in the webhook phase; reading once per
 * period instead of once per delivery is what keeps the trigger's throughput near n8n's own
 * Webhook node under load. A delivery that does not verify is checked again against a fresh
 * read, so a new secret works at once; an old one keeps verifying for at most this long.
 */
export const SECRET_REUSE_MS = 10_000;

const NO_CREDENTIAL =
	'The FormantAI Trigger verifies signatures but has no usable FormantAI Webhook Secret API credential: select one with the Webhook Secret of the target in FormantAI.';
const EMPTY_SECRET =
	'The FormantAI Webhook Secret API credential has an empty secret, so no delivery can be verified.';

export type SecretCheck = SignatureCheck | { ok: false; reason: 'credential'; problem: string };

interface Remembered {
	keys: KeyObject[];
	readAt: number;
}

/** Per process, by workflow, node and credential: key objects only, never the secret's text. */
const remembered = new Map<string, Remembered>();

/** Forgets every secret this process read (tests play a fresh process with it). */
export function forgetSecrets(): void {
	remembered.clear();
}

type Read = { ok: true; keys: KeyObject[] } | { ok: false; problem: string };

async function readSecret(ctx: IWebhookFunctions): Promise<Read> {
	let credentials: ICredentialDataDecryptedObject | undefined;
	try {
		credentials = await ctx.getCredentials<ICredentialDataDecryptedObject>(WEBHOOK_CREDENTIAL);
	} catch {
		return { ok: false, problem: NO_CREDENTIAL };
	}
	const secret = typeof credentials?.secret === 'string' ? credentials.secret : '';
	return secret === ''
		? { ok: false, problem: EMPTY_SECRET }
		: { ok: true, keys: signingKeys(secret) };
}

/**
 * Verifies a delivery against the node's Webhook Secret credential: with the keys read less than
 * SECRET_REUSE_MS ago when they match, otherwise with a fresh read of the credential.
 */
export async function checkSignature(
	ctx: IWebhookFunctions,
	raw: Buffer,
	header: string | string[] | undefined,
): Promise<SecretCheck> {
	const credential = ctx.getNode().credentials?.[WEBHOOK_CREDENTIAL];
	if (!credential) return { ok: false, reason: 'credential', problem: NO_CREDENTIAL };
	const key = `${ctx.getWorkflow().id ?? ''}/${ctx.getNode().id}/${credential.id ?? credential.name}`;
	const known = remembered.get(key);
	if (known && runtime.now() - known.readAt < SECRET_REUSE_MS) {
		const check = verifySignature(raw, header, known.keys);
		if (check.ok || check.reason !== 'mismatch') return check;
	}
	const readAt = runtime.now();
	const read = await readSecret(ctx);
	if (!read.ok) {
		remembered.delete(key);
		return { ok: false, reason: 'credential', problem: read.problem };
	}
	remembered.set(key, { keys: read.keys, readAt });
	return verifySignature(raw, header, read.keys);
}
