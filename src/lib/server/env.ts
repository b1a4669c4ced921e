/**
 * The process environment, read when it is needed. server.js has already checked every variable
 * (env-check.js) before the app starts, with one list of problems and exit code 2.
 *
 * Not `$app/env/private`: in SvelteKit 3 that module carries only the variables declared in
 * `src/env.ts`, each fixed once at start. Tests change settings (single sign-on, mail, limits)
 * while the process runs, and the checks live in one place already.
 */
export const env = process.env;
