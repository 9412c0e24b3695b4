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

describe('toIsoUtc', () => {
	const viaDate = (value: number) => new Date(value).toISOString().replace('.000Z', 'Z');

	it('writes whole seconds without milliseconds, and milliseconds when set', () => {
		expect(toIsoUtc(ms('2026-04-08T14:00:00Z'))).toBe('2026-04-08T14:00:00Z');
		expect(toIsoUtc(1773867201766)).toBe('2026-03-18T20:53:21.766Z');
		expect(toIsoUtc(1773867201007)).toBe('2026-03-18T20:53:21.007Z');
	});

	it.each([
		0,
		1,
		999,
		1000,
		86_399_999,
		86_400_000,
		ms('2000-02-28T23:59:59.999Z'),
		ms('2000-02-29T00:00:00Z'),
		ms('2000-03-01T00:00:00Z'),
		ms('2100-02-28T12:00:00Z'),
		ms('2100-03-01T00:00:00Z'),
		ms('2400-02-29T00:00:00Z'),
		ms('2026-12-31T23:59:59.999Z'),
		ms('2027-01-01T00:00:00Z'),
		253_402_300_799_999,
		253_402_300_800_000,
		-1,
		-62_198_755_200_000,
		1.5,
		1773867201766.7,
	])(
		'agrees with Date at the edge %p (leap days, year ends, outside 0000-9999, fractions)',
		(value) => {
			expect(toIsoUtc(value)).toBe(viaDate(value));
		},
	);

	it('agrees with Date on 200,000 pseudo-random instants from 1970 to 9999', () => {
		let seed = 20261130;
		const next = () => {
			seed = (seed * 1103515245 + 12345) % 2147483648;
			return seed / 2147483648;
		};
		const wrong: number[] = [];
		for (let i = 0; i < 200_000; i++) {
			// Half over the whole range, half within this century, where the timestamps live.
			const value = Math.floor(next() * (i % 2 ? 253_402_300_800_000 : 4_102_444_800_000));
			if (toIsoUtc(value) !== viaDate(value)) wrong.push(value);
		}
		expect(wrong).toEqual([]);
	});

	it('fails like Date for a time that is not a number', () => {
		expect(() => toIsoUtc(Number.NaN)).toThrow(RangeError);
	});
});
