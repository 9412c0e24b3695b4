/* eslint-disable @n8n/community-nodes/no-restricted-globals -- test tooling: one turn of the event loop, never shipped */
import { resetRuntime, runtime } from '../../nodes/FormantAi/transport';

interface Timer {
	at: number;
	order: number;
	wake(): void;
}

/** Lets every pending promise callback run (one turn of the event loop; no waiting). */
const settle = async () => await new Promise<void>((resolve) => setImmediate(resolve));

/**
 * A clock that moves only when everything is waiting: `run` lets the work go as far as it can,
 * then jumps to the earliest sleeper's wake-up time and wakes it. Several sleepers overlap in time
 * as they would on a real clock; nothing waits for real.
 */
export class VirtualTime {
	now = 0;

	private timers: Timer[] = [];

	private order = 0;

	/** Points the transport's runtime (the nodes' clock and sleeper) at this clock. */
	install(random = 0.5): this {
		runtime.now = () => this.now;
		runtime.sleep = async (ms, signal) => await this.sleep(ms, signal);
		runtime.random = () => random;
		return this;
	}

	uninstall(): void {
		resetRuntime();
	}

	async sleep(ms: number, signal?: AbortSignal): Promise<void> {
		await new Promise<void>((resolve, reject) => {
			const timer: Timer = { at: this.now + Math.max(0, ms), order: this.order++, wake: resolve };
			this.timers.push(timer);
			signal?.addEventListener(
				'abort',
				() => {
					this.timers = this.timers.filter((t) => t !== timer);
					reject(new Error('aborted'));
				},
				{ once: true },
			);
		});
	}

	/** Sleeps until the clock reads `at` (at once if it is past). */
	async until(at: number): Promise<void> {
		await this.sleep(at - this.now);
	}

	/** Runs the work to its end, moving the clock whenever nothing else can happen. */
	async run<T>(work: Promise<T>): Promise<T> {
		let done = false;
		const finished = work.then(
			() => (done = true),
			() => (done = true),
		);
		for (;;) {
			await settle();
			if (done) break;
			this.timers.sort((a, b) => a.at - b.at || a.order - b.order);
			const next = this.timers.shift();
			if (!next) throw new Error('Nothing left to wait for, yet the work has not finished');
			this.now = Math.max(this.now, next.at);
			next.wake();
		}
		await finished;
		return await work;
	}
}
