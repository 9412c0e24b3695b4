import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import type { CallingWindow } from '../../helpers/callingWindow';
import {
	describeWindow,
	isInWindow,
	nextWindowOpening,
	parseClock,
	parseDays,
} from '../../helpers/callingWindow';
import { allowedDestinationsOption, callingSafetyField, timeZoneField } from '../../helpers/fields';
import { scheduleProblem, toIsoUtc } from '../../helpers/schedule';
import { fieldError } from '../../helpers/validation';
import { maxCallsOption } from './maxCalls';
import { timeZoneValue } from './timeZone';

/** Calling Safety: who may be called (Allowed Destinations), when (Calling Window), how often. */
export const safetyField: INodeProperties = callingSafetyField([
	allowedDestinationsOption(
		'Other numbers are refused before a call is placed. Required when an AI agent uses this node as a tool: without it the node refuses to dial',
	),
	{
		displayName: 'Calling Window',
		name: 'callingWindow',
		type: 'fixedCollection',
		default: {},
		placeholder: 'Set Calling Window',
		description: 'Days and hours when calls may ring, in a time zone',
		options: [
			{
				name: 'window',
				displayName: 'Window',
				values: [
					{
						displayName: 'Days',
						name: 'days',
						type: 'multiOptions',
						default: ['monday', 'tuesday', 'wednesday', 'thursday', 'friday'],
						description: 'Days on which the window opens. None selected means every day.',
						options: [
							{ name: 'Friday', value: 'friday' },
							{ name: 'Monday', value: 'monday' },
							{ name: 'Saturday', value: 'saturday' },
							{ name: 'Sunday', value: 'sunday' },
							{ name: 'Thursday', value: 'thursday' },
							{ name: 'Tuesday', value: 'tuesday' },
							{ name: 'Wednesday', value: 'wednesday' },
						],
					},
					{
						displayName: 'From',
						name: 'start',
						type: 'string',
						default: '09:00',
						placeholder: 'e.g. 09:00',
						description: 'Opening time, 24-hour HH:MM',
					},
					{
						displayName: 'Outside the Window',
						name: 'outside',
						type: 'options',
						default: 'fail',
						description:
							'What to do when the call would ring outside the window. Checked when each call is sent, after any wait (against Scheduled For when scheduling).',
						options: [
							{
								name: 'Fail',
								value: 'fail',
								description: 'Stop with an error; no call is placed',
							},
							{
								name: 'Schedule for Next Opening',
								value: 'schedule',
								description: 'Schedule the call for the moment the window next opens',
							},
							{
								name: 'Skip',
								value: 'skip',
								description:
									'Output an item saying the call was skipped and why; no call is placed',
							},
						],
					},
					timeZoneField("the window (the callee's, usually)"),
					{
						displayName: 'Until',
						name: 'end',
						type: 'string',
						default: '18:00',
						placeholder: 'e.g. 18:00',
						description:
							'Closing time, 24-hour HH:MM (not included). Earlier than From means the window runs past midnight.',
					},
				],
			},
		],
	},
	maxCallsOption,
]);

export type Window = CallingWindow & { outside: string };

/** The Calling Window rule of an item, checked; undefined when none is set. */
export function callingWindow(
	ctx: IExecuteFunctions,
	itemIndex: number,
	safety: IDataObject,
): Window | undefined {
	const raw = (safety.callingWindow as IDataObject | undefined)?.window as IDataObject | undefined;
	if (!raw) return undefined;
	const days = parseDays(raw.days);
	if (!days) {
		throw fieldError(
			ctx,
			itemIndex,
			'Calling Window Days',
			`${JSON.stringify(raw.days)} are not all day names`,
		);
	}
	const clockFix = 'Write a 24-hour time such as 09:00 or 18:30.';
	const startMinute = parseClock(raw.start ?? '09:00');
	if (startMinute === undefined || startMinute === 24 * 60) {
		throw fieldError(
			ctx,
			itemIndex,
			'Calling Window From',
			`"${String(raw.start)}" is not a time of day`,
			clockFix,
		);
	}
	const endMinute = parseClock(raw.end ?? '18:00');
	if (endMinute === undefined) {
		throw fieldError(
			ctx,
			itemIndex,
			'Calling Window Until',
			`"${String(raw.end)}" is not a time of day`,
			clockFix,
		);
	}
	if (endMinute === startMinute) {
		throw fieldError(
			ctx,
			itemIndex,
			'Calling Window Until',
			'is the same as From, so the window never opens',
		);
	}
	const outside = String(raw.outside ?? 'fail');
	if (!['fail', 'schedule', 'skip'].includes(outside)) {
		throw fieldError(
			ctx,
			itemIndex,
			'Calling Window Outside the Window',
			`"${outside}" is not fail, schedule or skip`,
		);
	}
	const timeZone = timeZoneValue(ctx, itemIndex, 'Calling Window Time Zone', raw.timeZone);
	return { days, startMinute, endMinute, timeZone, outside };
}

/**
 * Applies the window to a call that would ring at `scheduledMs` (or now): inside it, nothing
 * changes; outside it, the call fails, is moved to the next opening, or is skipped (the reason).
 */
export function applyWindow(
	ctx: IExecuteFunctions,
	itemIndex: number,
	window: Window,
	scheduledMs: number | undefined,
	now: number,
): { scheduledMs: number | undefined } | { skipped: IDataObject } {
	const at = scheduledMs ?? now;
	if (isInWindow(at, window)) return { scheduledMs };
	const when = scheduledMs === undefined ? `Now (${toIsoUtc(now)})` : `${toIsoUtc(at)}`;
	const next = nextWindowOpening(at, window);
	const reason = `${when} is outside the calling window ${describeWindow(window)}`;
	if (window.outside === 'skip') {
		return {
			skipped: { reason, next_window_opens_at: next === undefined ? null : toIsoUtc(next) },
		};
	}
	if (window.outside === 'schedule' && next !== undefined) {
		const problem = scheduleProblem(next, now);
		if (problem) {
			throw fieldError(ctx, itemIndex, 'Calling Window', `the next opening ${problem}`);
		}
		return { scheduledMs: next };
	}
	throw fieldError(
		ctx,
		itemIndex,
		'Calling Window',
		`${reason}; no call was placed`,
		next === undefined
			? 'Check the window days and hours.'
			: `The window next opens at ${toIsoUtc(next)}. Choose Outside the Window → Schedule for Next Opening or Skip to handle this without failing.`,
	);
}
