import type { IExecuteFunctions } from 'n8n-workflow';

import { fieldError } from './validation';

/**
 * Allowed destinations: a list of E.164 prefixes such as `+91` (a country), `+1415` (an area) or a
 * full number, where `*` stands for any digits and `?` for one digit. A number is allowed when it
 * starts with an entry. Entries without `+` are read as country codes (`44` = `+44`).
 */
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
		patterns.push(new RegExp(`^\\+${body}`));
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
