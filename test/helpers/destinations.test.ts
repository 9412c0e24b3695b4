import {
	isAllowedDestination,
	parseDestinations,
} from '../../nodes/FormantAi/helpers/destinations';

const allows = (list: string, phone: string): boolean => {
	const rules = parseDestinations(list);
	if (!rules.ok) throw new Error(rules.reason);
	return isAllowedDestination(phone, rules.patterns);
};

describe('Allowed Destinations: a full number matches exactly', () => {
	it('a full number allows that number and no longer one', () => {
		expect(allows('+14155552671', '+14155552671')).toBe(true);
		expect(allows('+14155552671', '+141555526719')).toBe(false);
		expect(allows('14155552671', '+141555526710')).toBe(false);
	});

	it('a country or area code (fewer than 8 digits) allows every number that starts with it', () => {
		expect(allows('+91', '+919876543210')).toBe(true);
		expect(allows('+1415', '+14155552671')).toBe(true);
		expect(allows('+1415', '+12125552671')).toBe(false);
	});

	it('a pattern must match the whole number: * any digits, ? exactly one', () => {
		expect(allows('+1415555*', '+14155552671')).toBe(true);
		expect(allows('+1212555????', '+12125551234')).toBe(true);
		expect(allows('+1212555????', '+121255512345')).toBe(false);
		expect(allows('+91*10', '+919876543210')).toBe(true);
		expect(allows('+91*10', '+919876543211')).toBe(false);
	});
});
