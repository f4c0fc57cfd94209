/**
 * Erlang/OTP's `gen_sctp` for Deno and Bun, over the operating system's SCTP
 * stack (Linux lksctp, RFC 6458), through a small C shim loaded with FFI.
 *
 * gen_sctp's functions are methods of {@linkcode SctpSocket} (camelCase:
 * `connectInit`, `connectxInit`), records are plain objects with gen_sctp's
 * field names and a `type` tag, atoms are strings, `{error, Reason}` is an
 * {@linkcode SctpError} with `reason`, and badarg is a TypeError/RangeError.
 *
 * @example One-to-many echo on loopback
 * ```ts
 * import { open } from "./mod.ts";
 * await using server = await open({ ip: "127.0.0.1" });
 * await server.listen(true);
 * await using client = await open();
 * const assoc = await client.connect("127.0.0.1", await server.port());
 * await client.send(assoc, 0, "hello");
 * for await (const m of server) {
 *   if (m.data instanceof Uint8Array) break; // skip comm_up and other events
 * }
 * ```
 *
 * @module
 */
export { SctpError } from "./src/errors.ts";
export {
  type SctpCapabilities,
  sctpCapabilities,
  type SctpFeature,
  type SctpFeatureName,
} from "./src/capabilities.ts";
export type { Family } from "./src/addr.ts";
export { errorString } from "./src/error_string.ts";
export { adopt, open, type OpenOptions } from "./src/open.ts";
export { SctpSocket } from "./src/socket.ts";
export type { Active } from "./src/socket_options.ts";
export type {
  Assoc,
  ConnectOptions,
  RecvOptions,
  SctpOptions,
  SctpSocketEventMap,
  SendData,
  SendOptions,
  SendvInfo,
  SockAddrArg,
  SocketHandle,
} from "./src/types.ts";
export type {
  SctpAddrArg,
  SctpAssocParams,
  SctpAssocValue,
  SctpEventSubscribe,
  SctpInitMsg,
  SctpOptionName,
  SctpOptionRequest,
  SctpOptionsResult,
  SctpOptionValues,
  SctpPaddrInfo,
  SctpPaddrParams,
  SctpPrim,
  SctpReadOnlyOptionName,
  SctpRecordOptionName,
  SctpRtoInfo,
  SctpSetAdaptation,
  SctpSetPeerPrim,
  SctpStatus,
  SppFlag,
} from "./src/option_types.ts";
export type {
  AncValue,
  AssocChangeState,
  PaddrChangeState,
  SctpAdaptationEvent,
  SctpAddr,
  SctpAssocChange,
  SctpAuthkeyEvent,
  SctpEvent,
  SctpMessage,
  SctpPaddrChange,
  SctpPdapiEvent,
  SctpRemoteError,
  SctpSenderDryEvent,
  SctpSendFailed,
  SctpShutdownEvent,
  SctpSndRcvInfo,
  SctpUnknownEvent,
  SndRcvFlag,
} from "./src/records.ts";
export type {
  NxtFlag,
  PrPolicy,
  SctpAssocResetEvent,
  SctpAuthInfo,
  SctpNxtInfo,
  SctpPrInfo,
  SctpRcvInfo,
  SctpSendFailedEvent,
  SctpSndInfo,
  SctpStreamChangeEvent,
  SctpStreamResetEvent,
} from "./src/rfc6458_records.ts";
export type {
  Rfc6458OptionValues,
  Rfc6458RecordOptionName,
  SctpAddStreams,
  SctpAssocFlag,
  SctpAssocNumber,
  SctpDefaultPrInfo,
  SctpDefaultSndInfo,
  SctpEnableStreamReset,
  SctpEventOpt,
  SctpEventType,
  SctpPrStatus,
  SctpResetStreams,
  SctpStreamSchedulerValue,
  SctpStreamValue,
  StreamResetReq,
  StreamScheduler,
} from "./src/rfc6458_options.ts";
export type {
  HmacIdent,
  SctpAssocStats,
  SctpAuthChunk,
  SctpAuthChunks,
  SctpAuthKey,
  SctpAuthKeyId,
  SctpHmacAlgo,
  SctpPaddrThlds,
  SctpPaddrThldsV2,
  SctpProbeInterval,
  SctpUdpEncaps,
} from "./src/rfc6458_options.ts";
