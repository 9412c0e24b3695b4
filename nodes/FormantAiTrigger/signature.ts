import type { KeyObject } from 'node:crypto';
import { createHmac, createSecretKey, timingSafeEqual } from 'node:crypto';

export const SIGNATURE_HEADER = 'x-formantai-signature';

const SIGNATURE_FORMAT = /^sha256=[0-9a-f]{64}$/i;

export type SignatureCheck =
	| { ok: true }
	| { ok: false; reason: 'missing' | 'malformed' | 'mismatch' };

function expectedSignature(rawBody: Buffer, key: KeyObject): Buffer {
	return Buffer.from(`sha256=${createHmac('sha256', key).update(rawBody).digest('hex')}`);
}

/**
 * The keys a secret verifies with. A secret pasted with a stray space or newline still verifies:
 * both keys come from the user's own secret, so accepting either gives an attacker nothing. Key
 * objects, so that a process keeping them shows no secret when they are printed.
 */
export function signingKeys(secret: string): KeyObject[] {
	const trimmed = secret.trim();
	const texts = trimmed !== secret && trimmed !== '' ? [secret, trimmed] : [secret];
	return texts.map((text) => createSecretKey(Buffer.from(text, 'utf8')));
}

/**
 * Checks `X-FormantAI-Signature` (`sha256=` + hex HMAC-SHA256 of the exact raw body, keyed by the
 * target's secret). Hex case is ignored; the comparison is constant-time after a length check,
 * since timingSafeEqual throws on different lengths.
 */
export function verifySignature(
	rawBody: Buffer,
	header: string | string[] | undefined,
	secret: string | readonly KeyObject[],
): SignatureCheck {
	const value = Array.isArray(header) ? header[0] : header;
	if (typeof value !== 'string' || value.trim() === '') return { ok: false, reason: 'missing' };
	const given = value.trim();
	if (!SIGNATURE_FORMAT.test(given)) return { ok: false, reason: 'malformed' };
	const received = Buffer.from(`sha256=${given.slice(7).toLowerCase()}`);
	const keys = typeof secret === 'string' ? signingKeys(secret) : secret;
	let match = false;
	for (const key of keys) {
		const expected = expectedSignature(rawBody, key);
		if (expected.length === received.length && timingSafeEqual(expected, received)) match = true;
	}
	return match ? { ok: true } : { ok: false, reason: 'mismatch' };
}
