import { describe, expect, it, vi } from 'vitest';
import { measureExport, metrics } from './metrics';

const exported = async (name: string, outcome: string) =>
	(await metrics.exports.get()).values.find((v) => v.labels.export === name && v.labels.outcome === outcome)?.value ?? 0;
const timed = async (name: string) =>
	(await metrics.exportDuration.get()).values.find((v) => v.metricName?.endsWith('_count') && v.labels.export === name)?.value ?? 0;

describe('metrics', () => {
	it('are registered once per process, however often the module is evaluated', async () => {
		vi.resetModules();
		const again = await import('./metrics');
		expect(again.metrics).toBe(metrics);
		const text = await metrics.registry.metrics();
		expect(text).toContain('process_cpu_user_seconds_total');
		expect(text.match(/^# TYPE http_request_duration_seconds histogram$/gm)).toHaveLength(1);
	});

	it('time an export until its body has been read, and count an abandoned one apart', async () => {
		const response = await measureExport(
			'test/streamed',
			async () => new Response('a,b\r\n1,2', { headers: { 'content-type': 'text/csv' } })
		);
		expect(response.headers.get('content-type')).toBe('text/csv');
		expect(await timed('test/streamed')).toBe(0);
		expect(await response.text()).toBe('a,b\r\n1,2');
		expect(await timed('test/streamed')).toBe(1);
		expect(await exported('test/streamed', 'complete')).toBe(1);

		const abandoned = await measureExport('test/abandoned', async () => new Response(new ReadableStream({ pull: () => {} })));
		await abandoned.body!.cancel();
		expect(await exported('test/abandoned', 'cancelled')).toBe(1);
		expect(await timed('test/abandoned')).toBe(0);

		await expect(measureExport('test/refused', async () => Promise.reject(new Error('403')))).rejects.toThrow('403');
		expect(await exported('test/refused', 'complete')).toBe(0);
	});
});
