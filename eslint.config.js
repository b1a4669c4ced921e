import js from '@eslint/js';
import svelte from 'eslint-plugin-svelte';
import globals from 'globals';
import ts from 'typescript-eslint';

export default ts.config(
	js.configs.recommended,
	...ts.configs.recommended,
	...svelte.configs.recommended,
	{
		languageOptions: { globals: { ...globals.browser, ...globals.node } },
		rules: {
			// TypeScript already reports undefined names, with better messages.
			'no-undef': 'off',
			// The app is served from the root (no paths.base), so plain hrefs are already resolved.
			'svelte/no-navigation-without-resolve': 'off',
			'@typescript-eslint/no-unused-vars': [
				'error',
				{ argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' }
			]
		}
	},
	{
		files: ['**/*.svelte', '**/*.svelte.ts'],
		languageOptions: { parserOptions: { projectService: true, extraFileExtensions: ['.svelte'], parser: ts.parser } }
	},
	{
		// A promise nobody awaits fails silently: type-aware rules find them in the app and its tests.
		files: ['src/**/*.ts', 'src/**/*.svelte', 'tests/**/*.ts'],
		languageOptions: { parserOptions: { projectService: true, extraFileExtensions: ['.svelte'] } },
		rules: {
			'@typescript-eslint/no-floating-promises': 'error',
			'@typescript-eslint/no-misused-promises': 'error'
		}
	},
	{
		// One home for SQL: queries/, and auth/ and db/ for their own tables. Elsewhere, call a function there.
		files: ['src/**/*.ts', 'src/**/*.svelte'],
		ignores: ['src/lib/server/queries/**', 'src/lib/server/auth/**', 'src/lib/server/db/**'],
		rules: {
			'no-restricted-imports': [
				'error',
				{
					paths: [{ name: 'drizzle-orm', message: 'SQL lives in src/lib/server/queries/: call a function there.' }],
					patterns: [
						{ group: ['drizzle-orm/*'], message: 'SQL lives in src/lib/server/queries/: call a function there.' },
						{
							group: ['**/server/db', '**/server/db/index.ts', '**/../db', '**/../db/index.ts', '../db', '../db/index.ts'],
							importNames: ['db'],
							message: 'SQL lives in src/lib/server/queries/: call a function there.'
						}
					]
				}
			]
		}
	},
	{ ignores: ['build/', '.svelte-kit/', 'node_modules/', 'drizzle/', 'data/'] }
);
