/**
 * Phone numbers as people type them → E.164 (`+` and 8 to 15 digits, no leading 0), the format
 * FormantAI's examples and its CSV rules use.
 */
export type PhoneResult = { ok: true; e164: string } | { ok: false; reason: string };

const SEPARATORS = /[\s\-.()/\u00a0\u2010-\u2015]/g;

/** Normalises a default country code option: "+91", "91", "0091" → "91"; "" → "". */
export function countryCodeDigits(value: unknown): string {
	return String(value ?? '')
		.trim()
		.replace(/^\+|^00/, '')
		.replace(SEPARATORS, '');
}

export function normalizePhone(input: unknown, defaultCountryCode = ''): PhoneResult {
	if (typeof input === 'number' && Number.isFinite(input)) input = String(input);
	if (typeof input !== 'string' || input.trim() === '') {
		return { ok: false, reason: 'is empty' };
	}
	const raw = input.trim();
	// "+44 (0)20 …": the bracketed 0 is the national trunk prefix, dialled only from inside the country.
	const compact = raw.replace(/^(\+|00)(\d{1,3})\s*\(0\)/, '$1$2').replace(SEPARATORS, '');
	if (/[a-z]/i.test(compact)) {
		return { ok: false, reason: `"${raw}" contains letters` };
	}
	let digits: string;
	if (compact.startsWith('+')) {
		digits = compact.slice(1);
	} else if (compact.startsWith('00')) {
		digits = compact.slice(2);
	} else {
		const country = countryCodeDigits(defaultCountryCode);
		if (!country) {
			return {
				ok: false,
				reason: `"${raw}" has no country code (start it with + or set a default country code)`,
			};
		}
		if (!/^[1-9]\d{0,2}$/.test(country)) {
			return { ok: false, reason: `the default country code "${defaultCountryCode}" is not valid` };
		}
		// A national number's trunk prefix (0 in India, the UK …) is dropped after a country code.
		digits = country + compact.replace(/^0+/, '');
	}
	if (!/^\d+$/.test(digits)) {
		return { ok: false, reason: `"${raw}" contains characters other than digits` };
	}
	if (digits.startsWith('0')) {
		return { ok: false, reason: `"${raw}" has a country code starting with 0` };
	}
	if (digits.length < 8 || digits.length > 15) {
		return {
			ok: false,
			reason: `"${raw}" has ${digits.length} digits; a full international number has 8 to 15`,
		};
	}
	return { ok: true, e164: `+${digits}` };
}
