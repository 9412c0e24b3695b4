import type { INodeProperties } from 'n8n-workflow';

/** An IANA time zone field; empty means the workflow's time zone. */
export function timeZoneField(of: string, extra: Partial<INodeProperties> = {}): INodeProperties {
	return {
		displayName: 'Time Zone',
		name: 'timeZone',
		type: 'string',
		default: '',
		placeholder: 'e.g. Asia/Kolkata',
		description: `IANA time zone of ${of}. Empty means the workflow's time zone.`,
		...extra,
	};
}

/** Calling Safety → Allowed Destinations (the rules are in destinations.ts); `consequence` without a final period. */
export function allowedDestinationsOption(consequence: string): INodeProperties {
	return {
		displayName: 'Allowed Destinations',
		name: 'allowedDestinations',
		type: 'string',
		default: '',
		placeholder: 'e.g. +91, +1415, +14155552671',
		description: `Who may be called, comma-separated: a country or area code allows every number starting with it (+91, +1415); a full number allows exactly that number (+14155552671); a pattern must match the whole number (* = any digits, ? = one digit). ${consequence}.`,
	};
}

/** Options → Default Country Code of Call Create and Batch Create (the rule is in phone.ts). */
export const defaultCountryCodeOption: INodeProperties = {
	displayName: 'Default Country Code',
	name: 'defaultCountryCode',
	type: 'string',
	default: '',
	placeholder: 'e.g. +91',
	description:
		'Country code for numbers written without + or 00, e.g. "(415) 555-2671" with +1; a leading 0 is dropped. A number that already starts with the code\'s digits (919876543210 with +91) is refused as ambiguous unless it has exactly the national length: write it with +.',
};

/** The binary field an operation reads its file from (`of`: e.g. "CSV file", "audio file"). */
export function inputBinaryField(
	of: string,
	description: string,
	extra: Partial<INodeProperties> = {},
): INodeProperties {
	return {
		displayName: 'Input Binary Field',
		name: 'binaryPropertyName',
		type: 'string',
		required: true,
		default: 'data',
		placeholder: 'e.g. data',
		hint: `The name of the input binary field containing the ${of}`,
		description,
		...extra,
	};
}

/** The Calling Safety collection: rules that keep calls to the people and times meant. */
export function callingSafetyField(options: INodeProperties[]): INodeProperties {
	return {
		displayName: 'Calling Safety',
		name: 'safety',
		type: 'collection',
		placeholder: 'Add Safety Rule',
		default: {},
		options,
	};
}
