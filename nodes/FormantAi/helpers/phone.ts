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
		const ambiguous = addsCodeTwice(compact, country);
		if (ambiguous) return { ok: false, reason: ambiguous(raw) };
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

/**
 * National number lengths (digits after the country code) of numbering plans where they are
 * fixed: the one case where a number that starts with the country code's digits can be told
 * apart from the same number written internationally without its +.
 */
const NATIONAL_LENGTHS: Record<string, number[]> = {
	'1': [10],
	'27': [9],
	'33': [9],
	'34': [9],
	'44': [9, 10],
	'52': [10],
	'61': [9],
	'63': [10],
	'65': [8],
	'91': [10],
	'92': [10],
	'234': [10],
	'880': [10],
	'971': [8, 9],
};

/**
 * The rule for numbers without + or 00 when a default country code is set: a national number
 * gets the code in front (its trunk 0 dropped). One that already starts with the code's digits
 * (a spreadsheet dropped the +, or "1 415 …" in North America) is ambiguous unless it has
 * exactly the national length, and is refused: adding the code again would dial a valid-looking
 * wrong number. Returns the reason, or undefined when the number is plainly national.
 */
function addsCodeTwice(compact: string, country: string): ((raw: string) => string) | undefined {
	if (compact.startsWith('0') || !compact.startsWith(country)) return undefined;
	if (NATIONAL_LENGTHS[country]?.includes(compact.length)) return undefined;
	return (raw) =>
		`"${raw}" already starts with the country code ${country}, so adding +${country} could call the wrong number (write it as +${compact} if ${country} is its country code, or as a national number with its leading 0)`;
}
