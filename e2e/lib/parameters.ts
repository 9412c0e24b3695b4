import type { INodeProperties, INodePropertyOptions, INodeTypeDescription } from 'n8n-workflow';

/**
 * What the parameter panel should show for one resource and operation, worked out from the
 * node's own description (so the browser suite follows the fields as they change): every
 * top-level property whose `displayOptions` match the values, with its default.
 */

export interface Operation {
	resource: string;
	resourceName: string;
	operation: string;
	operationName: string;
}

/** Every resource × operation the description declares, in its order. */
export function operationsOf(description: INodeTypeDescription): Operation[] {
	const resource = description.properties.find((p) => p.name === 'resource');
	if (!resource?.options) throw new Error(`${description.displayName}: no resource parameter`);
	return (resource.options as INodePropertyOptions[]).flatMap((r) => {
		const operation = description.properties.find(
			(p) => p.name === 'operation' && matches(p, { resource: r.value }),
		);
		return ((operation?.options ?? []) as INodePropertyOptions[]).map((o) => ({
			resource: String(r.value),
			resourceName: r.name,
			operation: String(o.value),
			operationName: o.name,
		}));
	});
}

/** One allowed value of a display condition: a plain value, or n8n's `{ _cnd: { gte: 1.1 } }` form. */
function allows(allowed: unknown, value: unknown): boolean {
	const condition = (allowed as { _cnd?: Record<string, unknown> } | null)?._cnd;
	if (!condition) return allowed === value;
	const [[operator, operand]] = Object.entries(condition);
	const [a, b] = [value as number, operand as number];
	switch (operator) {
		case 'eq':
			return a === b;
		case 'not':
			return a !== b;
		case 'gte':
			return a >= b;
		case 'gt':
			return a > b;
		case 'lte':
			return a <= b;
		case 'lt':
			return a < b;
		default:
			throw new Error(`display condition ${operator} is not handled here`);
	}
}

function matches(property: INodeProperties, values: Record<string, unknown>): boolean {
	const { show, hide } = property.displayOptions ?? {};
	const has = (name: string, allowed: unknown[]): boolean =>
		values[name] !== undefined && allowed.some((value) => allows(value, values[name]));
	for (const [name, allowed] of Object.entries(show ?? {})) {
		if (!Array.isArray(allowed) || !has(name, allowed)) return false;
	}
	for (const [name, denied] of Object.entries(hide ?? {})) {
		if (Array.isArray(denied) && has(name, denied)) return false;
	}
	return true;
}

/**
 * The top-level properties shown for `values` (resource and operation at least): the others
 * take their defaults, evaluated in order so a field shown by a default (e.g. Limit while
 * Return All is off) counts.
 */
export function visibleProperties(
	description: INodeTypeDescription,
	values: Record<string, unknown>,
): INodeProperties[] {
	// A node added from the nodes panel gets the default version (`@version` in display conditions).
	const versions = ([] as number[]).concat(description.version);
	const current: Record<string, unknown> = {
		'@version': description.defaultVersion ?? Math.max(...versions),
		...values,
	};
	const shown: INodeProperties[] = [];
	// Two passes: a property's visibility may depend on one declared after it.
	for (let pass = 0; pass < 2; pass++) {
		shown.length = 0;
		for (const property of description.properties) {
			if (!matches(property, current)) continue;
			shown.push(property);
			if (!(property.name in values)) current[property.name] = property.default;
		}
	}
	return shown;
}

/** The text n8n's panel shows in the field for a property's default (undefined: not a text box). */
export function defaultAsShown(property: INodeProperties): string | undefined {
	switch (property.type) {
		case 'string':
		case 'dateTime':
			return String(property.default ?? '');
		case 'number':
			return String(property.default);
		case 'options': {
			const option = (property.options as INodePropertyOptions[] | undefined)?.find(
				(o) => o.value === property.default,
			);
			return option?.name;
		}
		default:
			return undefined;
	}
}

/** A value that satisfies a required field, for the "no parameter issues" check. */
export function sampleValue(property: INodeProperties): string {
	if (property.type === 'number') return '123';
	if (property.type === 'dateTime') return '2030-01-01T10:00:00';
	if (/phone/i.test(property.name)) return '+919800000001';
	return `sample-${property.name}`;
}
