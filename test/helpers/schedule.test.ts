import {
	isValidTimeZone,
	localParts,
	parseDateTime,
	scheduleProblem,
	toIsoUtc,
	zonedTimeToUtc,
} from '../../nodes/FormantAi/helpers/schedule';

const ms = (iso: string) => Date.parse(iso);

describe('parseDateTime', () => {
	it.each([
		['2026-04-08T14:00:00Z', 'UTC', '2026-04-08T14:00:00Z'],
		['2026-04-08T14:00:00+05:30', 'UTC', '2026-04-08T08:30:00Z'],
		['2026-04-08T14:00:00-0400', 'UTC', '2026-04-08T18:00:00Z'],
		['2026-04-08T14:00:00', 'Asia/Kolkata', '2026-04-08T08:30:00Z'],
		['2026-04-08 14:00', 'Europe/London', '2026-04-08T13:00:00Z'],
		['2026-01-08T14:00:00.250', 'Europe/London', '2026-01-08T14:00:00.250Z'],
	])('%s in %s → %s', (input, zone, expected) => {
		expect(parseDateTime(input, zone)).toEqual({ ok: true, ms: ms(expected) });
	});

	it('takes Dates and Luxon-like values', () => {
		expect(parseDateTime(new Date(ms('2026-04-08T14:00:00Z')), 'UTC')).toEqual({
			ok: true,
			ms: ms('2026-04-08T14:00:00Z'),
		});
		expect(
			parseDateTime({ toISO: () => '2026-04-08T16:00:00.000+02:00', isValid: true }, 'UTC'),
		).toEqual({
			ok: true,
			ms: ms('2026-04-08T14:00:00Z'),
		});
	});

	it.each([
		[''],
		['tomorrow'],
		['2026-04-08'],
		['2026-02-29T10:00:00'],
		['2026-04-08T25:00:00'],
		[42],
		[null],
	])('refuses %p', (input) => {
		expect(parseDateTime(input, 'UTC').ok).toBe(false);
	});

	it('refuses an unknown zone for a time without offset', () => {
		expect(parseDateTime('2026-04-08T14:00:00', 'Mars/Base')).toMatchObject({ ok: false });
	});
});

describe('time zones (DST-safe)', () => {
	it('knows IANA zones', () => {
		expect(isValidTimeZone('America/New_York')).toBe(true);
		expect(isValidTimeZone('Nowhere/Land')).toBe(false);
		expect(isValidTimeZone('')).toBe(false);
	});

	it('converts wall times either side of the US spring-forward', () => {
		const day = { year: 2026, month: 3, day: 8 };
		expect(toIsoUtc(zonedTimeToUtc({ ...day, hour: 1, minute: 30 }, 'America/New_York'))).toBe(
			'2026-03-08T06:30:00Z',
		);
		expect(toIsoUtc(zonedTimeToUtc({ ...day, hour: 3, minute: 30 }, 'America/New_York'))).toBe(
			'2026-03-08T07:30:00Z',
		);
		// 02:30 does not exist that night: it lands just after the gap (03:30 EDT).
		expect(toIsoUtc(zonedTimeToUtc({ ...day, hour: 2, minute: 30 }, 'America/New_York'))).toBe(
			'2026-03-08T07:30:00Z',
		);
	});

	it('converts wall times around the EU fall-back', () => {
		const day = { year: 2026, month: 10, day: 25 };
		expect(toIsoUtc(zonedTimeToUtc({ ...day, hour: 0, minute: 30 }, 'Europe/London'))).toBe(
			'2026-10-24T23:30:00Z',
		);
		expect(toIsoUtc(zonedTimeToUtc({ ...day, hour: 3, minute: 0 }, 'Europe/London'))).toBe(
			'2026-10-25T03:00:00Z',
		);
	});

	it('reads local parts with weekday', () => {
		expect(localParts(ms('2026-03-18T20:00:00Z'), 'Asia/Kolkata')).toMatchObject({
			year: 2026,
			month: 3,
			day: 19,
			hour: 1,
			minute: 30,
			weekday: 4,
		});
	});
});

describe('scheduleProblem', () => {
	const now = ms('2026-03-18T10:00:00Z');
	it('accepts the next 30 days', () => {
		expect(scheduleProblem(now + 1000, now)).toBeUndefined();
		expect(scheduleProblem(now + 30 * 86_400_000, now)).toBeUndefined();
	});
	it('refuses the past, now, and beyond 30 days', () => {
		expect(scheduleProblem(now - 1, now)).toContain('not in the future');
		expect(scheduleProblem(now, now)).toContain('not in the future');
		expect(scheduleProblem(now + 30 * 86_400_000 + 1, now)).toContain('more than 30 days');
	});
});
