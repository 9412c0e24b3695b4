import type { IExecuteFunctions } from 'n8n-workflow';

import { fieldError } from './validation';

/**
 * Allowed destinations: a list of entries in E.164 form. A country or area code (fewer than 8
 * digits, e.g. `+91`, `+1415`) allows every number that starts with it; a full number (8 digits
 * or more) allows exactly that number; a pattern with `*` (any digits) or `?` (one digit) must
 * match the whole number. Entries without `+` are read with one (`44` = `+44`).
 */
/** The shortest full international number (E.164 numbers have 8 to 15 digits). */
const FULL_NUMBER_DIGITS = 8;

export type DestinationRules =
	| { ok: true; patterns: RegExp[]; entries: string[] }
	| { ok: false; reason: string };

export function parseDestinations(value: unknown): DestinationRules {
	const list = Array.isArray(value) ? value.map(String) : String(value ?? '').split(/[,;\n]/);
	const patterns: RegExp[] = [];
	const entries: string[] = [];
	for (const raw of list) {
		const entry = raw.replace(/[\s\-.()]/g, '');
		if (entry === '') continue;
		if (!/^\+?[\d*?]+$/.test(entry)) {
			return {
				ok: false,
				reason: `"${raw.trim()}" is not a country code or number pattern (use digits, +, * and ?)`,
			};
		}
		const normal = entry.startsWith('+') ? entry : `+${entry}`;
		const body = normal.slice(1).replace(/\*/g, '\\d*').replace(/\?/g, '\\d');
		// A short code is a prefix; a full number or a pattern must match the whole number.
		const prefix = !/[*?]/.test(normal) && normal.length - 1 < FULL_NUMBER_DIGITS;
		patterns.push(new RegExp(`^\\+${body}${prefix ? '' : '$'}`));
		entries.push(normal);
	}
	return { ok: true, patterns, entries };
}

/** Whether an E.164 number matches one of the rules. */
export function isAllowedDestination(e164: string, patterns: RegExp[]): boolean {
	return patterns.some((p) => p.test(e164));
}

/**
 * The Allowed Destinations of an item, checked. An AI agent (tool mode) may not dial without
 * them: an agent's arguments are model output, so the workflow owner decides who may be called.
 */
export function allowedDestinations(
	ctx: Pick<IExecuteFunctions, 'getNode'>,
	itemIndex: number,
	value: unknown,
	toolMode: boolean,
): { entries: string[]; allows: (e164: string) => boolean } | undefined {
	const rules = parseDestinations(value);
	if (!rules.ok) throw fieldError(ctx, itemIndex, 'Allowed Destinations', rules.reason);
	if (rules.patterns.length === 0) {
		if (!toolMode) return undefined;
		throw fieldError(
			ctx,
			itemIndex,
			'Allowed Destinations',
			'is empty, and an AI agent may not dial without it',
			'Under Calling Safety, list the country codes or numbers the agent may call, e.g. +91 or +14155552671.',
		);
	}
	return {
		entries: rules.entries,
		allows: (e164) => isAllowedDestination(e164, rules.patterns),
	};
}
