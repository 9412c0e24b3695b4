import { valueText } from './text';

/** Call parameters: FormantAI takes `[{ name, value }]` with every value a string. */
export interface CallParameter {
	name: string;
	value: string;
}

export const CUSTOMER_PHONE = 'customer_phone';

export type BuiltParameters =
	| { ok: true; parameters: CallParameter[] }
	| { ok: false; reason: string };

/**
 * Merges the parameters object and the name/value rows (a row wins over an object field of the
 * same name) and puts `customer_phone` first, exactly once, always the normalised phone: a row or
 * field called customer_phone is dropped so the number dialled is the one that was validated.
 */
export function buildCallParameters(
	phone: string,
	rows: Array<{ name?: unknown; value?: unknown }>,
	object: Record<string, unknown> | undefined,
): BuiltParameters {
	const merged = new Map<string, string>();
	for (const [name, value] of Object.entries(object ?? {})) {
		const key = name.trim();
		if (key === '')
			return { ok: false, reason: 'the parameters object has a field with an empty name' };
		merged.set(key, valueText(value));
	}
	for (const [index, row] of rows.entries()) {
		const name = typeof row.name === 'string' ? row.name.trim() : valueText(row.name).trim();
		if (name === '') {
			return {
				ok: false,
				reason: `row ${index + 1} has no name (value ${JSON.stringify(valueText(row.value))})`,
			};
		}
		merged.set(name, valueText(row.value));
	}
	merged.delete(CUSTOMER_PHONE);
	return {
		ok: true,
		parameters: [
			{ name: CUSTOMER_PHONE, value: phone },
			...[...merged].map(([name, value]) => ({ name, value })),
		],
	};
}
