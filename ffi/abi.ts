/**
 * The shim ABI this TypeScript side speaks: the value `sctp_shim_abi_version()`
 * must return (`SHIM_ABI` in `c/sctp_shim.c`; scripts/build-prebuilt checks
 * that the two agree). Raise both together when a layout or signature changes.
 *
 * @module
 */

/** The expected `sctp_shim_abi_version()`. */
export const SHIM_ABI = 1;
