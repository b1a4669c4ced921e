import { describe, expect, it } from 'vitest';
import type { Handle, RequestEvent, ResolveOptions } from '@sveltejs/kit';
import { chain } from './chain';

const event = (name: string) => ({ locals: {}, name }) as unknown as RequestEvent;
type Seen = { event: RequestEvent; options?: ResolveOptions };

function run(handle: Handle, start = event('start')) {
	const seen: Seen[] = [];
	const resolve = (e: RequestEvent, options?: ResolveOptions) => {
		seen.push({ event: e, options });
		return Promise.resolve(new Response('page'));
	};
	return { result: handle({ event: start, resolve: resolve as never }), seen };
}

describe('chain', () => {
	it('runs the steps in order, in and out, and resolves once at the end', async () => {
		const order: string[] = [];
		const step =
			(name: string): Handle =>
			async ({ event, resolve }) => {
				order.push(`${name} in`);
				const response = await resolve(event);
				order.push(`${name} out`);
				return response;
			};
		const { result, seen } = run(chain(step('a'), step('b'), step('c')));
		expect(await (await result).text()).toBe('page');
		expect(order).toEqual(['a in', 'b in', 'c in', 'c out', 'b out', 'a out']);
		expect(seen).toHaveLength(1);
	});

	it('stops where a step answers itself', async () => {
		const later: Handle = () => {
			throw new Error('must not run');
		};
		const { result, seen } = run(chain(() => new Response('refused', { status: 403 }), later));
		expect((await result).status).toBe(403);
		expect(seen).toHaveLength(0);
	});

	it('passes on the event a step hands to resolve', async () => {
		const replaced = event('replaced');
		const { result, seen } = run(
			chain(
				({ resolve }) => resolve(replaced),
				({ event, resolve }) => resolve(event)
			)
		);
		await result;
		expect(seen[0].event).toBe(replaced);
	});

	it('merges resolve options as sequence does: the inner step transforms first, the outer step wins the rest', async () => {
		const outer: Handle = ({ event, resolve }) =>
			resolve(event, { transformPageChunk: ({ html }) => `${html}+outer`, preload: () => false });
		const inner: Handle = ({ event, resolve }) =>
			resolve(event, { transformPageChunk: ({ html }) => `${html}+inner`, preload: () => true });
		const { result, seen } = run(chain(outer, inner));
		await result;
		const options = seen[0].options!;
		expect(await options.transformPageChunk!({ html: 'page', done: true })).toBe('page+inner+outer');
		expect(options.preload!({ type: 'js', path: '/x.js' })).toBe(false);
	});

	it('keeps one step’s options as they are', async () => {
		const filter = () => true;
		const { result, seen } = run(chain(({ event, resolve }) => resolve(event, { filterSerializedResponseHeaders: filter })));
		await result;
		expect(seen[0].options?.filterSerializedResponseHeaders).toBe(filter);
	});
});
