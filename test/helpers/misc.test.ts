import { buildCallParameters } from '../../nodes/FormantAi/helpers/callParameters';
import { valueText } from '../../nodes/FormantAi/helpers/text';
import { conversationIdProblem } from '../../nodes/FormantAi/helpers/conversationId';
import {
	isAllowedDestination,
	parseDestinations,
} from '../../nodes/FormantAi/helpers/destinations';
import { automaticIdempotencyKey } from '../../nodes/FormantAi/helpers/idempotency';
import { normalizePhone } from '../../nodes/FormantAi/helpers/phone';

describe('normalizePhone (the forms the Call operation accepts)', () => {
	it.each([
		['+91 98765-43210', '', '+919876543210'],
		['(415) 555-2671', '+1', '+14155552671'],
		['415.555.2671', '1', '+14155552671'],
		['0091 98765 43210', '', '+919876543210'],
		['098765 43210', '+91', '+919876543210'],
		['+44 (0) 7911 123456', '', '+447911123456'],
		['0044(0)20 7946 0958', '', '+442079460958'],
		[919876543210, '', undefined],
	])('%p with %p', (input, country, expected) => {
		const result = normalizePhone(input, country);
		if (expected) expect(result).toEqual({ ok: true, e164: expected });
		else expect(result.ok).toBe(false);
	});

	it.each([['abc'], [''], ['+1 555'], ['+0123456789'], ['+123456789012345678']])(
		'refuses %p',
		(input) => {
			expect(normalizePhone(input, '').ok).toBe(false);
		},
	);
});

describe('call parameters', () => {
	it('stringifies values', () => {
		expect(valueText(5)).toBe('5');
		expect(valueText(false)).toBe('false');
		expect(valueText(null)).toBe('');
		expect(valueText({ a: 1 })).toBe('{"a":1}');
		expect(valueText([1, 'x'])).toBe('[1,"x"]');
	});

	it('puts the phone first and once; rows win over the object', () => {
		const built = buildCallParameters(
			'+14155552671',
			[
				{ name: 'a', value: 'row' },
				{ name: 'customer_phone', value: '+1999' },
			],
			{ a: 'object', b: 2, customer_phone: '+1888' },
		);
		expect(built).toEqual({
			ok: true,
			parameters: [
				{ name: 'customer_phone', value: '+14155552671' },
				{ name: 'a', value: 'row' },
				{ name: 'b', value: '2' },
			],
		});
	});

	it('refuses a row without a name', () => {
		expect(buildCallParameters('+14155552671', [{ name: '', value: 'x' }], undefined).ok).toBe(
			false,
		);
	});
});

describe('allowed destinations', () => {
	it('matches country codes, patterns and numbers', () => {
		const rules = parseDestinations('+91, 44, +1415*, +1212555????');
		if (!rules.ok) throw new Error(rules.reason);
		expect(rules.entries).toEqual(['+91', '+44', '+1415*', '+1212555????']);
		expect(isAllowedDestination('+919876543210', rules.patterns)).toBe(true);
		expect(isAllowedDestination('+447911123456', rules.patterns)).toBe(true);
		expect(isAllowedDestination('+14155552671', rules.patterns)).toBe(true);
		expect(isAllowedDestination('+12125551234', rules.patterns)).toBe(true);
		expect(isAllowedDestination('+12135551234', rules.patterns)).toBe(false);
		expect(isAllowedDestination('+9209876543', rules.patterns)).toBe(false);
	});

	it('refuses entries that are not numbers', () => {
		expect(parseDestinations('India').ok).toBe(false);
		expect(parseDestinations('')).toEqual({ ok: true, patterns: [], entries: [] });
	});
});

describe('automatic idempotency key', () => {
	const base = {
		execution: '77',
		nodeId: 'n1',
		runIndex: 0,
		itemIndex: 0,
		agentId: 123,
		phone: '+919876543210',
	};
	it('is a stable UUID-shaped hash', () => {
		expect(automaticIdempotencyKey(base)).toBe(automaticIdempotencyKey({ ...base }));
		expect(automaticIdempotencyKey(base)).toMatch(
			/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/,
		);
	});
	it.each(['execution', 'nodeId', 'runIndex', 'itemIndex', 'agentId', 'phone'] as const)(
		'changes with %s',
		(field) => {
			const changed = { ...base, [field]: typeof base[field] === 'number' ? 9 : 'other' };
			expect(automaticIdempotencyKey(changed)).not.toBe(automaticIdempotencyKey(base));
		},
	);
});

describe('conversation IDs', () => {
	it.each([
		'e36853de-9cbb-441e-ad75-d3c8ac82abfb_1',
		'a3f47b9e-8c2d-4f1a-9b7e-2d5f3c6a7b8e',
		'A3F47B9E-8C2D-4F1A-9B7E-2D5F3C6A7B8E_12',
	])('accepts %s', (id) => {
		expect(conversationIdProblem(id)).toBeUndefined();
	});
	it.each([
		'',
		' ',
		'abc',
		'e36853de-9cbb-441e-ad75-d3c8ac82abfb/x',
		'e36853de-9cbb-441e-ad75-d3c8ac82abfb_',
		5,
	])('refuses %p', (id) => {
		expect(conversationIdProblem(id)).toBeDefined();
	});
});
