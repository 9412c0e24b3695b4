export type FaultKind =
	| 'error500'
	| 'html502'
	| 'truncatedJson'
	| 'reset'
	| 'hang'
	| 'rateLimit429'
	| 'concurrent429';

export const FAULT_KINDS: FaultKind[] = [
	'error500',
	'html502',
	'truncatedJson',
	'reset',
	'hang',
	'rateLimit429',
	'concurrent429',
];

export interface FaultSpec {
	/** HTTP method to match (any when omitted). */
	method?: string;
	/** Path prefix (string) or pattern (RegExp) matched against the path without query. */
	path: string | RegExp;
	kind: FaultKind;
	/** Fire on the next N matching requests (default 1). Ignored when `every` is set. */
	count?: number;
	/** Fire on every Nth matching request, indefinitely. */
	every?: number;
	/** Let the first N matching requests through untouched before the fault starts to fire. */
	skip?: number;
	/** Retry-After seconds for the 429 kinds (default 1; 0 allowed). */
	retryAfter?: number;
	/** Process the request for real first, then answer with the fault ("response lost"). */
	after?: boolean;
}

interface ActiveFault {
	spec: FaultSpec;
	remaining: number;
	seen: number;
}

export class Faults {
	private active: ActiveFault[] = [];

	add(f: FaultSpec): void {
		if (!FAULT_KINDS.includes(f.kind)) throw new Error(`unknown fault kind: ${String(f.kind)}`);
		if (f.every !== undefined && (!Number.isInteger(f.every) || f.every < 1))
			throw new Error('every must be an integer >= 1');
		if (f.skip !== undefined && (!Number.isInteger(f.skip) || f.skip < 0))
			throw new Error('skip must be an integer >= 0');
		this.active.push({ spec: { ...f }, remaining: f.count ?? 1, seen: 0 });
	}

	clear(): void {
		this.active = [];
	}

	list(): FaultSpec[] {
		return this.active.map((a) => a.spec);
	}

	/** The first fault that fires for this request, consuming it; null when none. */
	take(method: string, path: string): FaultSpec | null {
		for (const a of this.active) {
			const s = a.spec;
			if (s.method && s.method.toUpperCase() !== method.toUpperCase()) continue;
			const hit = typeof s.path === 'string' ? path.startsWith(s.path) : s.path.test(path);
			if (!hit) continue;
			a.seen++;
			// Requests let through by `skip` do not count towards `every`.
			const counted = a.seen - (s.skip ?? 0);
			if (counted < 1) continue;
			if (s.every !== undefined) {
				if (counted % s.every === 0) return s;
				continue;
			}
			if (a.remaining > 0) {
				a.remaining--;
				if (a.remaining === 0) this.active = this.active.filter((x) => x !== a);
				return s;
			}
		}
		return null;
	}
}
