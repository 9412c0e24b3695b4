import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { limitValue } from './validation';

/** The Return All / Limit pair every Get Many operation shows. */
export const returnAllAndLimit: INodeProperties[] = [
	{
		displayName: 'Return All',
		name: 'returnAll',
		type: 'boolean',
		default: false,
		description: 'Whether to return all results or only up to a given limit',
	},
	{
		displayName: 'Limit',
		name: 'limit',
		type: 'number',
		typeOptions: { minValue: 1 },
		default: 50,
		description: 'Max number of results to return',
		displayOptions: { show: { returnAll: [false] } },
	},
];

/** How many records the caller wants: `Infinity` for Return All, else a validated Limit. */
export function requestedLimit(ctx: IExecuteFunctions, itemIndex: number): number {
	const returnAll = ctx.getNodeParameter('returnAll', itemIndex, false) as boolean;
	return returnAll
		? Infinity
		: limitValue(ctx, itemIndex, ctx.getNodeParameter('limit', itemIndex, 50));
}
