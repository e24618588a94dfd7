// The one way sizes read in messages: health checks, poll limits, task-file caps.
import {describe, expect, it} from 'vitest';
import {formatBytes, parseSize} from '../../source/config/schema.js';

describe('formatBytes', () => {
	it.each([
		[512, '512 B'],
		[336 * 1024, '336 KB'],
		[1024 ** 2, '1.0 MB'],
		[1024 ** 2 + 1, '1.0 MB'],
		[12.4 * 1024 ** 2, '12.4 MB'],
		[3.2 * 1024 ** 3, '3.2 GB'],
	])('%d → %s', (bytes, text) => {
		expect(formatBytes(bytes)).toBe(text);
	});

	it('reads back as the size it shows, for whole units', () => {
		for (const size of ['512B', '1.0MB', '2.0GB']) expect(formatBytes(parseSize(size)!).replace(' ', '')).toBe(size);
	});
});
