/**
 * This library's version (`version` of deno.json and package.json; a test
 * keeps them equal).
 *
 * @module
 */

/** The library's version. */
export const VERSION = "0.1.0";
