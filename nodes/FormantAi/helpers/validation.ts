import type { IBinaryData, IExecuteFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

/**
 * The error for a bad parameter value: names the field and the item (n8n's `[item N]`, counted
 * from 0 like n8n's item index) and says how to fix it. Raised before anything is sent.
 */
export function fieldError(
	ctx: Pick<IExecuteFunctions, 'getNode'>,
	itemIndex: number,
	field: string,
	problem: string,
	fix?: string,
): NodeOperationError {
	return new NodeOperationError(ctx.getNode(), `${field}: ${problem} [item ${itemIndex}]`, {
		itemIndex,
		description: fix,
	});
}

function show(value: unknown): string {
	if (value === undefined || value === null || value === '') return 'nothing';
	const text = typeof value === 'string' ? value : JSON.stringify(value);
	return `"${text.length > 60 ? `${text.slice(0, 60)}…` : text}"`;
}

/** A whole number above 0, such as an agent or batch ID (also accepts "123" from expressions). */
export function positiveInteger(
	ctx: Pick<IExecuteFunctions, 'getNode'>,
	itemIndex: number,
	field: string,
	value: unknown,
	fix?: string,
): number {
	const number = typeof value === 'string' && value.trim() !== '' ? Number(value.trim()) : value;
	if (typeof number !== 'number' || !Number.isInteger(number) || number <= 0) {
		throw fieldError(
			ctx,
			itemIndex,
			field,
			`must be a whole number above 0, got ${show(value)}`,
			fix,
		);
	}
	return number;
}

/** A non-empty ID or name, trimmed. */
export function requiredString(
	ctx: Pick<IExecuteFunctions, 'getNode'>,
	itemIndex: number,
	field: string,
	value: unknown,
	fix?: string,
): string {
	const text =
		typeof value === 'number' ? String(value) : typeof value === 'string' ? value.trim() : '';
	if (!text) throw fieldError(ctx, itemIndex, field, `is required, got ${show(value)}`, fix);
	return text;
}

/** Parses a JSON parameter that may already be an object (n8n gives objects for json fields). */
export function jsonObject(
	ctx: Pick<IExecuteFunctions, 'getNode'>,
	itemIndex: number,
	field: string,
	value: unknown,
): Record<string, unknown> | undefined {
	if (value === undefined || value === null || value === '') return undefined;
	let parsed = value;
	if (typeof value === 'string') {
		try {
			parsed = JSON.parse(value);
		} catch (error) {
			throw fieldError(
				ctx,
				itemIndex,
				field,
				`is not valid JSON (${(error as Error).message})`,
				'Write a JSON object such as {"key": "value"}, or use an expression that returns an object.',
			);
		}
	}
	if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
		throw fieldError(ctx, itemIndex, field, `must be a JSON object, got ${show(value)}`);
	}
	return parsed as Record<string, unknown>;
}

/** Limit of a Get Many: a whole number from 1. */
export function limitValue(
	ctx: Pick<IExecuteFunctions, 'getNode'>,
	itemIndex: number,
	value: unknown,
): number {
	return positiveInteger(
		ctx,
		itemIndex,
		'Limit',
		value,
		'Set Limit to 1 or more, or turn on Return All.',
	);
}

/**
 * The item's file in binary field `field`, or an error that lists the fields the item does have
 * (or, with none, `noFilesFix`: where such a file usually comes from).
 */
export function requireBinary(
	ctx: Pick<IExecuteFunctions, 'getNode' | 'getInputData'>,
	itemIndex: number,
	field: string,
	noFilesFix: string,
): IBinaryData {
	const files = ctx.getInputData()[itemIndex]?.binary ?? {};
	const binary = files[field];
	if (binary) return binary;
	const present = Object.keys(files);
	throw fieldError(
		ctx,
		itemIndex,
		'Input Binary Field',
		`the item has no binary field "${field}"`,
		present.length
			? `Binary fields on this item: ${present.join(', ')}. Put the right name in Input Binary Field.`
			: noFilesFix,
	);
}

/** A number of seconds parameter (from 1, up to `max` when given), in milliseconds. */
export function secondsParameter(
	ctx: IExecuteFunctions,
	itemIndex: number,
	parameter: { name: string; field: string; fallback: number; max?: number },
): number {
	const { name, field, fallback, max } = parameter;
	const raw = ctx.getNodeParameter(name, itemIndex, fallback) as unknown;
	const value = typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : raw;
	if (
		typeof value !== 'number' ||
		!Number.isFinite(value) ||
		value < 1 ||
		(max !== undefined && value > max)
	) {
		const range = max === undefined ? 'from 1' : `from 1 to ${max}`;
		throw fieldError(
			ctx,
			itemIndex,
			field,
			`must be a number of seconds ${range}, got ${JSON.stringify(raw ?? null)}`,
			max === undefined
				? `Set ${field} to 1 or more (default ${fallback}).`
				: `Set ${field} between 1 and ${max} (default ${fallback}).`,
		);
	}
	return value * 1000;
}
