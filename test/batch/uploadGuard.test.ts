import { RecentKeys } from '../../nodes/FormantAi/actions/batch/uploadGuard';

describe('the upload guard memory', () => {
	it('when full, forgets only the oldest upload', () => {
		const recent = new RecentKeys(3);
		for (const key of ['a', 'b', 'c', 'd']) recent.add(key);
		expect(['a', 'b', 'c', 'd'].map((key) => recent.has(key))).toEqual([false, true, true, true]);
	});

	it('a forgotten key (FormantAI refused the upload) frees its place', () => {
		const recent = new RecentKeys(2);
		recent.add('a');
		recent.add('b');
		recent.delete('a');
		recent.add('c');
		expect(['a', 'b', 'c'].map((key) => recent.has(key))).toEqual([false, true, true]);
	});
});
