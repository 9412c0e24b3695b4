import type { IDataObject } from 'n8n-workflow';

/**
 * How many accepted event IDs are remembered. FormantAI sends an event at most 3 times: at once,
 * 30 s later and 300 s later, each attempt allowed 10 s, so the last copy of an event arrives at
 * most about 360 s after the first. A duplicate is caught as long as fewer than this many other
 * events were accepted in between, i.e. up to 5000 / 360 s ≈ 14 events per second sustained
 * (≈ 50,000 an hour) per trigger node. FormantAI's example concurrency cap is 10 simultaneous
 * calls per workspace: even if every call failed within a second, that is ~10 events per second.
 * At ~40 bytes per ID the memory stays under ~230 KB of workflow static data.
 */
export const SEEN_CAPACITY = 5000;

/** Pruning happens in bulk, once this many extra IDs piled up, so it costs O(1) per event. */
export const SEEN_SLACK = 500;

/** Map keys get a prefix so an ID such as `__proto__` or `123` is an ordinary own key. */
const KEY_PREFIX = '#';

/**
 * Lives in the workflow's static data (persisted by n8n for active workflows, shared by every
 * n8n process through the database), never in module memory.
 */
interface SeenStore extends IDataObject {
	/** Prefixed event ID → 1, for O(1) lookups. */
	ids: IDataObject;
	/** Event IDs oldest first, to know which to forget. */
	order: string[];
}

function isStore(value: unknown): value is SeenStore {
	const store = value as SeenStore | undefined;
	return (
		typeof store === 'object' &&
		store !== null &&
		typeof store.ids === 'object' &&
		store.ids !== null &&
		Array.isArray(store.order)
	);
}

/** The store inside the node's static data, created (or repaired) when needed. */
function storeOf(staticData: IDataObject): SeenStore {
	if (!isStore(staticData.seenEvents)) {
		staticData.seenEvents = { ids: {}, order: [] };
	}
	return staticData.seenEvents as SeenStore;
}

export function hasSeen(staticData: IDataObject, eventId: string): boolean {
	const store = staticData.seenEvents;
	if (!isStore(store)) return false;
	return Object.prototype.hasOwnProperty.call(store.ids, KEY_PREFIX + eventId);
}

/** Records an accepted event ID, forgetting the oldest ones in bulk beyond the capacity. */
export function remember(staticData: IDataObject, eventId: string): void {
	const store = storeOf(staticData);
	const key = KEY_PREFIX + eventId;
	if (Object.prototype.hasOwnProperty.call(store.ids, key)) return;
	store.ids[key] = 1;
	store.order.push(eventId);
	if (store.order.length > SEEN_CAPACITY + SEEN_SLACK) {
		const forget = store.order.splice(0, store.order.length - SEEN_CAPACITY);
		for (const id of forget) delete store.ids[KEY_PREFIX + id];
	}
}
