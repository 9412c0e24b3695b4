import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import { fieldLabel, locatorValue } from '../../helpers/locators';
import { positiveInteger } from '../../helpers/validation';

export function readBatchId(ctx: IExecuteFunctions, itemIndex: number): number {
	return positiveInteger(
		ctx,
		itemIndex,
		fieldLabel(ctx, 'Batch ID'),
		locatorValue(ctx, 'batchId', itemIndex),
		'Use the "id" of a campaign returned by Create or Get Many.',
	);
}

/** FormantAI wraps batch responses in `data`. */
export function unwrapData(body: unknown): IDataObject {
	const data = (body as IDataObject | undefined)?.data;
	return typeof data === 'object' && data !== null && !Array.isArray(data)
		? (data as IDataObject)
		: ((body ?? {}) as IDataObject);
}
