/**
 * A value as FormantAI text (call parameters, CSV cells, metadata): strings as they are, numbers
 * and booleans as written, dates in ISO form, objects and arrays as JSON, nothing as "".
 */
export function valueText(value: unknown): string {
	if (value === undefined || value === null) return '';
	if (typeof value === 'string') return value;
	if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') {
		return String(value);
	}
	if (value instanceof Date) return value.toISOString();
	const luxon = value as { toISO?: () => string | null };
	if (typeof luxon.toISO === 'function') return luxon.toISO() ?? '';
	return JSON.stringify(value);
}

/** The text of an optional field, or undefined when it is empty or only spaces. */
export function optionalText(value: unknown): string | undefined {
	const text = valueText(value);
	return text.trim() === '' ? undefined : text;
}
