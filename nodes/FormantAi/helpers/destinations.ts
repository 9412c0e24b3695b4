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
