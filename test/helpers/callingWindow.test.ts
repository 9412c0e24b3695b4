import type { CallingWindow } from '../../nodes/FormantAi/helpers/callingWindow';
import {
	describeWindow,
	isInWindow,
	nextWindowOpening,
	parseClock,
	parseDays,
} from '../../nodes/FormantAi/helpers/callingWindow';
import { toIsoUtc } from '../../nodes/FormantAi/helpers/schedule';

const ms = (iso: string) => Date.parse(iso);
const weekdays = [1, 2, 3, 4, 5];

describe('calling window', () => {
	const office: CallingWindow = {
		days: weekdays,
		startMinute: 9 * 60,
		endMinute: 18 * 60,
		timeZone: 'Asia/Kolkata',
	};

	it('parses clocks and days', () => {
		expect(parseClock('09:00')).toBe(540);
		expect(parseClock('9:30')).toBe(570);
		expect(parseClock('24:00')).toBe(1440);
		expect(parseClock('24:01')).toBeUndefined();
		expect(parseClock('9am')).toBeUndefined();
		expect(parseDays(['monday', 'Fri'])).toEqual([1, 5]);
		expect(parseDays('saturday,sunday')).toEqual([6, 0]);
		expect(parseDays(['someday'])).toBeUndefined();
		expect(parseDays(undefined)).toEqual([]);
	});

	it('is inside on a weekday afternoon in the zone, outside at night and on weekends', () => {
		expect(isInWindow(ms('2026-03-18T10:00:00Z'), office)).toBe(true); // Wed 15:30 IST
		expect(isInWindow(ms('2026-03-18T12:30:00Z'), office)).toBe(false); // 18:00 IST, end excluded
		expect(isInWindow(ms('2026-03-18T03:29:00Z'), office)).toBe(false); // 08:59 IST
		expect(isInWindow(ms('2026-03-21T06:00:00Z'), office)).toBe(false); // Saturday
	});

	it('finds the next opening, across a weekend', () => {
		expect(toIsoUtc(nextWindowOpening(ms('2026-03-18T13:00:00Z'), office)!)).toBe(
			'2026-03-19T03:30:00Z',
		);
		expect(toIsoUtc(nextWindowOpening(ms('2026-03-20T13:00:00Z'), office)!)).toBe(
			'2026-03-23T03:30:00Z',
		);
		expect(nextWindowOpening(ms('2026-03-18T10:00:00Z'), office)).toBe(ms('2026-03-18T10:00:00Z'));
	});

	it('handles windows that run past midnight (they belong to the day they start)', () => {
		const night: CallingWindow = {
			days: [5],
			startMinute: 22 * 60,
			endMinute: 2 * 60,
			timeZone: 'UTC',
		};
		expect(isInWindow(ms('2026-03-20T23:00:00Z'), night)).toBe(true); // Fri 23:00
		expect(isInWindow(ms('2026-03-21T01:00:00Z'), night)).toBe(true); // Sat 01:00, Friday's window
		expect(isInWindow(ms('2026-03-22T01:00:00Z'), night)).toBe(false); // Sun 01:00
		expect(toIsoUtc(nextWindowOpening(ms('2026-03-21T03:00:00Z'), night)!)).toBe(
			'2026-03-27T22:00:00Z',
		);
	});

	it('is DST-safe: 09:00 New York is 14:00Z before and 13:00Z after the spring-forward', () => {
		const ny: CallingWindow = {
			days: [],
			startMinute: 9 * 60,
			endMinute: 17 * 60,
			timeZone: 'America/New_York',
		};
		expect(toIsoUtc(nextWindowOpening(ms('2026-03-06T23:00:00Z'), ny)!)).toBe(
			'2026-03-07T14:00:00Z',
		);
		expect(toIsoUtc(nextWindowOpening(ms('2026-03-07T23:00:00Z'), ny)!)).toBe(
			'2026-03-08T13:00:00Z',
		);
		expect(isInWindow(ms('2026-03-08T13:30:00Z'), ny)).toBe(true);
		expect(isInWindow(ms('2026-03-07T13:30:00Z'), ny)).toBe(false);
	});

	it('opens at the end of a spring-forward gap when it starts inside it', () => {
		const early: CallingWindow = {
			days: [],
			startMinute: 2 * 60 + 30,
			endMinute: 5 * 60,
			timeZone: 'America/New_York',
		};
		expect(toIsoUtc(nextWindowOpening(ms('2026-03-08T05:00:00Z'), early)!)).toBe(
			'2026-03-08T07:30:00Z',
		);
	});

	it('describes itself', () => {
		expect(describeWindow(office)).toBe('Mon, Tue, Wed, Thu, Fri 09:00–18:00 (Asia/Kolkata)');
	});
});
