/* eslint-disable @n8n/community-nodes/no-restricted-globals -- test tooling (a local HTTP server), never shipped */

/** Something that happens at a virtual instant. May return a promise (webhook delivery) that advance() awaits. */
type Task = () => void | Promise<void>;

interface ScheduledEvent {
	at: number;
	seq: number;
	label: string;
	run: Task;
}

/**
 * Virtual clock + event queue. Nothing in the simulator reads the wall clock except the realTime
 * ticker, so tests decide exactly when calls end, recordings appear and webhooks retry.
 */
export class VirtualClock {
	private current: number;
	private seq = 0;
	private queue: ScheduledEvent[] = [];
	// Serialises advance() calls: the realTime ticker and admin/test callers must not interleave.
	private chain: Promise<void> = Promise.resolve();
	private ticker: ReturnType<typeof setInterval> | undefined;

	constructor(start: number) {
		this.current = start;
	}

	now(): number {
		return this.current;
	}

	schedule(at: number, label: string, run: Task): void {
		const ev: ScheduledEvent = { at, seq: this.seq++, label, run };
		// Binary insertion keeps the queue ordered by (at, seq) without re-sorting.
		let lo = 0;
		let hi = this.queue.length;
		while (lo < hi) {
			const mid = (lo + hi) >> 1;
			const q = this.queue[mid];
			if (q.at < ev.at || (q.at === ev.at && q.seq < ev.seq)) lo = mid + 1;
			else hi = mid;
		}
		this.queue.splice(lo, 0, ev);
	}

	pending(): Array<{ at: number; label: string }> {
		return this.queue.map((e) => ({ at: e.at, label: e.label }));
	}

	/** Runs every event due up to now+ms in time order, awaiting each one (and what it triggers). */
	advance(ms: number): Promise<void> {
		if (!Number.isFinite(ms) || ms < 0)
			return Promise.reject(new Error('advance(ms) needs ms >= 0'));
		const next = this.chain.then(() => this.runUntil(this.current + ms));
		this.chain = next.catch(() => undefined);
		return next;
	}

	private async runUntil(target: number): Promise<void> {
		for (;;) {
			const ev = this.queue[0];
			if (!ev || ev.at > target) break;
			this.queue.shift();
			if (ev.at > this.current) this.current = ev.at;
			await ev.run();
		}
		if (target > this.current) this.current = target;
	}

	/** realTime mode: follow wall time by ticking the virtual clock. */
	startTicker(intervalMs = 50): void {
		let last = Date.now();
		this.ticker = setInterval(() => {
			const wall = Date.now();
			const delta = wall - last;
			last = wall;
			void this.advance(delta).catch(() => undefined);
		}, intervalMs);
	}

	clearQueue(): void {
		this.queue = [];
	}

	stop(): void {
		if (this.ticker) clearInterval(this.ticker);
		this.ticker = undefined;
		this.queue = [];
	}
}
