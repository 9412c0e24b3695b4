import type { IExecuteFunctions } from 'n8n-workflow';

import { isValidTimeZone } from '../../helpers/schedule';
import { fieldError } from '../../helpers/validation';

/** A Time Zone field's value, checked; empty means the workflow's time zone (else UTC). */
export function timeZoneValue(
	ctx: IExecuteFunctions,
	itemIndex: number,
	field: string,
	value: unknown,
): string {
	const zone = typeof value === 'string' ? value.trim() : '';
	if (zone === '') {
		const workflowZone = ctx.getTimezone() as unknown;
		return isValidTimeZone(workflowZone) ? workflowZone : 'UTC';
	}
	if (!isValidTimeZone(zone)) {
		throw fieldError(
			ctx,
			itemIndex,
			field,
			`"${zone}" is not a known IANA time zone`,
			'Use a name such as Asia/Kolkata, Europe/London or America/New_York, or leave it empty for the workflow time zone.',
		);
	}
	return zone;
}
