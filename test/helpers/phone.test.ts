import { normalizePhone } from '../../nodes/FormantAi/helpers/phone';

describe('Default Country Code never adds the code twice', () => {
	it.each([
		// Spreadsheets drop the +: the number already holds the code, or is it part of the number?
		['919876543210', '+91'],
		['91 98765 43210', '91'],
		['14155552671', '+1'],
		['1 (415) 555-2671', '+1'],
		['447911123456', '+44'],
		// A code without a known national length: any number that starts with it is ambiguous.
		['4930123456789', '+49'],
	])('refuses %p with %p as ambiguous, naming the fix', (input, country) => {
		const result = normalizePhone(input, country);
		expect(result.ok).toBe(false);
		if (!result.ok) expect(result.reason).toMatch(/already starts with the country code/);
	});

	it.each([
		// National numbers of exactly the national length are national, even when they start with the code.
		['9198765432', '+91', '+919198765432'],
		['98765 43210', '+91', '+919876543210'],
		['(415) 555-2671', '+1', '+14155552671'],
		['7911 123456', '+44', '+447911123456'],
		// The trunk 0 says "national" plainly.
		['09198765432', '+91', '+919198765432'],
		['030 1234567', '+49', '+49301234567'],
		// With + or 00 the number speaks for itself.
		['+919876543210', '+91', '+919876543210'],
		['0091 98765 43210', '+91', '+919876543210'],
		['+44 (0) 7911 123456', '+91', '+447911123456'],
	])('accepts %p with %p as %p', (input, country, expected) => {
		expect(normalizePhone(input, country)).toEqual({ ok: true, e164: expected });
	});
});
