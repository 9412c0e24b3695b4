import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import type { FilePart } from '../../transport';

import { allowedDestinations } from '../../helpers/destinations';
import { agentIdValue } from '../../helpers/locators';
import { isToolMode } from '../../helpers/toolMode';
import { fieldError, requiredString } from '../../helpers/validation';

/** The column FormantAI dials; every other column becomes a call parameter of its row. */
export const PHONE_COLUMN = 'customer_phone';

export interface Common {
	name: string;
	agentId: number;
	onInvalidPhone: 'skip' | 'stop';
	countryCode: string;
	/** Calling Safety → Allowed Destinations, when set (always in tool mode). */
	allowed?: { entries: string[]; allows: (e164: string) => boolean };
}

/** The fields every campaign has; `toolMode`: an AI agent runs the node as a tool. */
export function readCommon(
	ctx: IExecuteFunctions,
	itemIndex: number,
	toolMode = isToolMode(ctx, itemIndex),
): Common {
	const name = requiredString(
		ctx,
		itemIndex,
		'Campaign Name',
		ctx.getNodeParameter('campaignName', itemIndex),
		'Give the campaign a name, e.g. "March Follow Ups".',
	);
	const agentId = agentIdValue(
		ctx,
		itemIndex,
		'Copy the agent ID from the agent page of the FormantAI dashboard.',
	);
	const onInvalidPhone = ctx.getNodeParameter('onInvalidPhone', itemIndex, 'stop') as string;
	if (onInvalidPhone !== 'skip' && onInvalidPhone !== 'stop') {
		throw fieldError(
			ctx,
			itemIndex,
			'On Invalid Phone',
			`must be "skip" or "stop", got "${onInvalidPhone}"`,
		);
	}
	const options = ctx.getNodeParameter('options', itemIndex, {}) as IDataObject;
	const safety = ctx.getNodeParameter('safety', itemIndex, {}) as IDataObject;
	return {
		name,
		agentId,
		onInvalidPhone,
		countryCode: String(options.defaultCountryCode ?? '').trim(),
		allowed: allowedDestinations(ctx, itemIndex, safety.allowedDestinations, toolMode),
	};
}

/** A row that was left out (skip) or that stops the run (stop). */
export interface BadRow {
	/** Input item (Input Items) … */
	item?: number;
	/** … or CSV line (CSV File). */
	line?: number;
	phone: string;
	reason: string;
}

const SHOWN_BAD_ROWS = 10;

export function listBadRows(bad: BadRow[]): string {
	const shown = bad.slice(0, SHOWN_BAD_ROWS).map((row) => {
		const where = row.line !== undefined ? `line ${row.line}` : `item ${row.item}`;
		return `${where}: ${row.reason}`;
	});
	const more = bad.length > SHOWN_BAD_ROWS ? `; and ${bad.length - SHOWN_BAD_ROWS} more` : '';
	return shown.join('; ') + more;
}

/** Whether a row may be dialled; a campaign with any row outside Allowed Destinations is refused. */
export function isOutside(common: Common, e164: string): boolean {
	return common.allowed !== undefined && !common.allowed.allows(e164);
}

/** Refuses the whole campaign when rows are outside Allowed Destinations: nothing is uploaded. */
export function refuseOutside(
	ctx: IExecuteFunctions,
	itemIndex: number,
	common: Common,
	outside: BadRow[],
	total: number,
): void {
	if (outside.length === 0 || !common.allowed) return;
	throw fieldError(
		ctx,
		itemIndex,
		'Allowed Destinations',
		`${outside.length} of ${total} rows are not in Allowed Destinations (${common.allowed.entries.join(', ')}): ${listBadRows(outside)}`,
		'Nothing was sent. Remove those rows, or add their numbers to Calling Safety → Allowed Destinations.',
	);
}

export const PHONE_FIX =
	'Correct these numbers, set Options → Default Country Code for numbers written without one, or set On Invalid Phone to "Skip the Row and Report It".';

export function output(
	batch: IDataObject,
	common: Common,
	skipped: BadRow[],
): INodeExecutionData[] {
	const json: IDataObject = { ...batch };
	if (common.onInvalidPhone === 'skip') {
		json.skipped_count = skipped.length;
		json.skipped_rows = skipped as unknown as IDataObject[];
	}
	return [{ json }];
}

/** A campaign checked and written as CSV, ready to upload; `bad` lists the rows left out. */
export interface Campaign {
	common: Common;
	/** The CSV to upload, as UTF-8 bytes or as a part written while the upload sends it. */
	file: Uint8Array | FilePart;
	fileName: string;
	bad: BadRow[];
}
