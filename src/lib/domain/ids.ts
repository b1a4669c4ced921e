/** The largest id a row can have: PostgreSQL's `integer`. Anything past it names no row. */
export const MAX_ID = 2_147_483_647;
