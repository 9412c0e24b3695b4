import { localParts, zonedTimeToUtc } from './schedule';

/**
 * When calls may ring: on some weekdays, between two wall-clock times, in one time zone. A window
 * whose end is before its start runs overnight and belongs to the day it starts on.
 */
export interface CallingWindow {
	/** 0 = Sunday … 6 = Saturday; all days when empty. */
	days: number[];
	/** Minutes after local midnight. */
	startMinute: number;
	/** Minutes after local midnight; 24 * 60 means midnight at the end of the day. */
	endMinute: number;
	timeZone: string;
}

export const DAY_NAMES = [
	'sunday',
	'monday',
	'tuesday',
	'wednesday',
	'thursday',
	'friday',
	'saturday',
] as const;

/** "09:00", "9:30", "24:00" → minutes after midnight, or undefined when unreadable. */
export function parseClock(value: unknown): number | undefined {
	if (typeof value !== 'string') return undefined;
	const m = /^(\d{1,2}):(\d{2})$/.exec(value.trim());
	if (!m) return undefined;
	const hours = Number(m[1]);
	const minutes = Number(m[2]);
	if (minutes > 59 || hours > 24 || (hours === 24 && minutes > 0)) return undefined;
	return hours * 60 + minutes;
}

/** Day names ("monday", "Mon") → numbers; undefined for a name that is not a day. */
export function parseDays(values: unknown): number[] | undefined {
	if (values === undefined || values === null || values === '') return [];
	const list = Array.isArray(values) ? values : String(values).split(',');
	const out: number[] = [];
	for (const raw of list) {
		const name = String(raw).trim().toLowerCase();
		if (name === '') continue;
		const index = DAY_NAMES.findIndex((d) => d === name || d.slice(0, 3) === name);
		if (index < 0) return undefined;
		if (!out.includes(index)) out.push(index);
	}
	return out;
}

function allows(window: CallingWindow, weekday: number): boolean {
	return window.days.length === 0 || window.days.includes(weekday);
}

/** Whether instant `ms` falls inside the window. */
export function isInWindow(ms: number, window: CallingWindow): boolean {
	const p = localParts(ms, window.timeZone);
	const minute = p.hour * 60 + p.minute;
	const { startMinute: start, endMinute: end } = window;
	if (start === end) return false;
	if (start < end) return allows(window, p.weekday) && minute >= start && minute < end;
	// Overnight: the evening part belongs to today, the early-morning part to yesterday.
	if (minute >= start) return allows(window, p.weekday);
	return minute < end && allows(window, (p.weekday + 6) % 7);
}

/**
 * The first instant at or after `ms` that is inside the window, or undefined when the window can
 * never open (no minutes in it). Looks at most 8 local days ahead: every weekday comes round.
 */
export function nextWindowOpening(ms: number, window: CallingWindow): number | undefined {
	if (window.startMinute === window.endMinute) return undefined;
	if (isInWindow(ms, window)) return ms;
	const today = localParts(ms, window.timeZone);
	let best: number | undefined;
	for (let offset = 0; offset <= 8; offset++) {
		// Noon of the candidate day, read back in the zone, gives its local date without DST traps.
		const noon = zonedTimeToUtc(
			{ year: today.year, month: today.month, day: today.day + offset, hour: 12, minute: 0 },
			window.timeZone,
		);
		const day = localParts(noon, window.timeZone);
		if (!allows(window, day.weekday)) continue;
		const opening = zonedTimeToUtc(
			{
				year: day.year,
				month: day.month,
				day: day.day,
				hour: Math.floor(window.startMinute / 60),
				minute: window.startMinute % 60,
			},
			window.timeZone,
		);
		if (opening > ms && isInWindow(opening, window) && (best === undefined || opening < best)) {
			best = opening;
		}
	}
	return best;
}

/** "Mon–Fri 09:00–18:00 Asia/Kolkata"-style text for messages. */
export function describeWindow(window: CallingWindow): string {
	const clock = (m: number) =>
		`${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
	const days =
		window.days.length === 0
			? 'every day'
			: [...window.days]
					.sort()
					.map((d) => DAY_NAMES[d].charAt(0).toUpperCase() + DAY_NAMES[d].slice(1, 3))
					.join(', ');
	return `${days} ${clock(window.startMinute)}–${clock(window.endMinute)} (${window.timeZone})`;
}
