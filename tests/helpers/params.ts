import { params } from '../../src/params.ts';

/** What SvelteKit makes of a path segment through the named matcher: its value, or undefined for "no such route". */
export function matchParam(name: string, segment: string): unknown {
	if (!(name in params)) throw new Error(`no parameter matcher named ${name}`);
	const result = params[name as keyof typeof params]['~standard'].validate(segment);
	if (result instanceof Promise) throw new Error('parameter matchers must be synchronous');
	return result.issues ? undefined : result.value;
}
