import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { fieldError, positiveInteger, requiredString } from '../../helpers/validation';

/** The column FormantAI dials; every other column becomes a call parameter of its row. */
export const PHONE_COLUMN = 'customer_phone';

export interface Common {
	name: string;
	agentId: number;
	onInvalidPhone: 'skip' | 'stop';
	countryCode: string;
}

export function readCommon(ctx: IExecuteFunctions, itemIndex: number): Common {
	const name = requiredString(
		ctx,
		itemIndex,
		'Campaign Name',
		ctx.getNodeParameter('campaignName', itemIndex),
		'Give the campaign a name, e.g. "March Follow Ups".',
	);
	const agentId = positiveInteger(
		ctx,
		itemIndex,
		'Agent ID',
		ctx.getNodeParameter('agentId', itemIndex),
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
	return {
		name,
		agentId,
		onInvalidPhone,
		countryCode: String(options.defaultCountryCode ?? '').trim(),
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
	csv: string;
	fileName: string;
	bad: BadRow[];
}
