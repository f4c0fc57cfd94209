/**
 * Fuzzes the notification decoder (src/events.ts decodeNotification over the
 * C shim's sctp_shim_decode_notification) with hand-built Linux notification
 * layouts (<linux/sctp.h>, x86-64 little-endian), truncated, mutated and
 * random bytes. Pure FFI: no sockets.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { decodeNotification } from "../src/events.ts";
import type { SctpEvent } from "../src/records.ts";

// <linux/sctp.h> notification types
const T = {
  ASSOC_CHANGE: 0x8001,
  PEER_ADDR_CHANGE: 0x8002,
  SEND_FAILED: 0x8003,
  REMOTE_ERROR: 0x8004,
  SHUTDOWN: 0x8005,
  PDAPI: 0x8006,
  ADAPTATION: 0x8007,
  AUTHENTICATION: 0x8008,
  SENDER_DRY: 0x8009,
  STREAM_RESET: 0x800a,
  ASSOC_RESET: 0x800b,
  STREAM_CHANGE: 0x800c,
  SEND_FAILED_EVENT: 0x800d,
};
// fixed (header) sizes of each struct; a shorter buffer cannot be decoded
const FIXED: Record<number, number> = {
  [T.ASSOC_CHANGE]: 20,
  [T.PEER_ADDR_CHANGE]: 148,
  [T.SEND_FAILED]: 48,
  [T.REMOTE_ERROR]: 16,
  [T.SHUTDOWN]: 12,
  [T.PDAPI]: 24,
  [T.ADAPTATION]: 16,
  [T.AUTHENTICATION]: 20,
  [T.SENDER_DRY]: 12,
  [T.STREAM_RESET]: 12,
  [T.ASSOC_RESET]: 20,
  [T.STREAM_CHANGE]: 16,
  [T.SEND_FAILED_EVENT]: 32,
};
const KNOWN_TYPES = new Set([
  "sctp_assoc_change",
  "sctp_paddr_change",
  "sctp_remote_error",
  "sctp_send_failed",
  "sctp_shutdown_event",
  "sctp_adaptation_event",
  "sctp_pdapi_event",
  "sctp_authkey_event",
  "sctp_sender_dry_event",
  "sctp_stream_reset_event",
  "sctp_assoc_reset_event",
  "sctp_stream_change_event",
  "sctp_send_failed_event",
  "sctp_unknown_event",
]);

/** A small deterministic PRNG (mulberry32) so failures reproduce. */
function rng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (n: number) => Math.floor(next() * n),
    bytes(n: number) {
      const b = new Uint8Array(n);
      for (let i = 0; i < n; i++) b[i] = Math.floor(next() * 256);
      return b;
    },
  };
}

function header(type: number, size: number) {
  const b = new Uint8Array(size);
  const dv = new DataView(b.buffer);
  dv.setUint16(0, type, true);
  dv.setUint16(2, 0, true);
  dv.setUint32(4, size, true);
  return { b, dv };
}

function assocChange(
  state: number,
  error: number,
  os: number,
  is: number,
  id: number,
  info = new Uint8Array(0),
) {
  const { b, dv } = header(T.ASSOC_CHANGE, 20 + info.length);
  dv.setUint16(8, state, true);
  dv.setUint16(10, error, true);
  dv.setUint16(12, os, true);
  dv.setUint16(14, is, true);
  dv.setInt32(16, id, true);
  b.set(info, 20);
  return b;
}

/** sockaddr_storage at `off`: AF_INET (2) or AF_INET6 (10). */
function sockaddr(dv: DataView, off: number, ip: number[], port: number) {
  if (ip.length === 4) {
    dv.setUint16(off, 2, true);
    dv.setUint16(off + 2, port, false);
    ip.forEach((x, i) => dv.setUint8(off + 4 + i, x));
  } else {
    dv.setUint16(off, 10, true);
    dv.setUint16(off + 2, port, false);
    ip.forEach((x, i) => dv.setUint8(off + 8 + i, x));
  }
}

function paddrChange(
  ip: number[],
  port: number,
  state: number,
  error: number,
  id: number,
) {
  const { b, dv } = header(T.PEER_ADDR_CHANGE, 148);
  sockaddr(dv, 8, ip, port);
  dv.setInt32(136, state, true);
  dv.setInt32(140, error, true);
  dv.setInt32(144, id, true);
  return b;
}

function remoteError(error: number, id: number, causes: Uint8Array) {
  const { b, dv } = header(T.REMOTE_ERROR, 16 + causes.length);
  dv.setUint16(8, error, false); // __be16
  dv.setInt32(12, id, true);
  b.set(causes, 16);
  return b;
}

function sendFailed(
  sent: boolean,
  error: number,
  stream: number,
  ppid: number,
  context: number,
  ttl: number,
  id: number,
  data: Uint8Array,
) {
  const { b, dv } = header(T.SEND_FAILED, 48 + data.length);
  dv.setUint16(2, sent ? 1 : 0, true); // ssf_flags: SCTP_DATA_SENT / UNSENT
  dv.setUint32(8, error, true);
  // sctp_sndrcvinfo at 12
  dv.setUint16(12, stream, true);
  dv.setUint16(14, 0, true);
  // Linux puts the DATA chunk's flags here: U|B|E (an unordered whole message)
  dv.setUint16(16, 7, true);
  dv.setUint32(20, ppid, false); // network order on Linux
  dv.setUint32(24, context, true);
  dv.setUint32(28, ttl, true);
  dv.setInt32(40, id, true);
  dv.setInt32(44, id, true);
  b.set(data, 48);
  return b;
}

function simple(type: number, size: number, id: number, idOff: number) {
  const { b, dv } = header(type, size);
  dv.setInt32(idOff, id, true);
  return b;
}

function adaptation(ind: number, id: number) {
  const { b, dv } = header(T.ADAPTATION, 16);
  dv.setUint32(8, ind, true); // host order: Linux converts the INIT parameter
  dv.setInt32(12, id, true);
  return b;
}

function pdapi(id: number) {
  const { b, dv } = header(T.PDAPI, 24);
  dv.setUint32(8, 0, true); // SCTP_PARTIAL_DELIVERY_ABORTED
  dv.setInt32(12, id, true); // Linux puts assoc_id before stream and seq
  dv.setUint32(16, 3, true);
  dv.setUint32(20, 9, true);
  return b;
}

function authkey(key: number, alt: number, ind: number, id: number) {
  const { b, dv } = header(T.AUTHENTICATION, 20);
  dv.setUint16(8, key, true);
  dv.setUint16(10, alt, true);
  dv.setUint32(12, ind, true);
  dv.setInt32(16, id, true);
  return b;
}

function streamReset(flags: number, id: number, streams: number[]) {
  const { b, dv } = header(T.STREAM_RESET, 12 + 2 * streams.length);
  dv.setUint16(2, flags, true);
  dv.setInt32(8, id, true);
  streams.forEach((st, i) => dv.setUint16(12 + 2 * i, st, true));
  return b;
}

function assocReset(flags: number, id: number, local: number, remote: number) {
  const { b, dv } = header(T.ASSOC_RESET, 20);
  dv.setUint16(2, flags, true);
  dv.setInt32(8, id, true);
  dv.setUint32(12, local, true);
  dv.setUint32(16, remote, true);
  return b;
}

function streamChange(flags: number, id: number, ins: number, outs: number) {
  const { b, dv } = header(T.STREAM_CHANGE, 16);
  dv.setUint16(2, flags, true);
  dv.setInt32(8, id, true);
  dv.setUint16(12, ins, true);
  dv.setUint16(14, outs, true);
  return b;
}

function sendFailedEvent(sent: boolean, id: number, data: Uint8Array) {
  const { b, dv } = header(T.SEND_FAILED_EVENT, 32 + data.length);
  dv.setUint16(2, sent ? 1 : 0, true); // SCTP_DATA_SENT / UNSENT
  dv.setUint32(8, 7, true); // ssf_error
  dv.setUint16(12, 4, true); // snd_sid
  dv.setUint16(14, 1, true); // snd_flags: SCTP_UNORDERED
  dv.setUint32(16, 46, false); // snd_ppid (network order)
  dv.setUint32(20, 99, true); // snd_context
  dv.setInt32(24, id, true); // snd_assoc_id
  dv.setInt32(28, id, true); // ssf_assoc_id
  b.set(data, 32);
  return b;
}

/** Samples of every Linux notification type, well formed. */
function samples(): Uint8Array[] {
  return [
    assocChange(0, 0, 10, 7, 42),
    assocChange(1, 0x1234, 1, 1, 43, Uint8Array.of(1, 2, 3, 4, 5)),
    assocChange(4, 0, 0, 0, 0),
    paddrChange([127, 0, 0, 2], 3868, 5, 0, 7),
    paddrChange([0xfe, 0x80, ...new Array(13).fill(0), 1], 1, 3, 0, 8),
    remoteError(
      0x000c,
      9,
      Uint8Array.of(0, 0x0c, 0, 8, 0xde, 0xad, 0xbe, 0xef),
    ),
    sendFailed(false, 0, 3, 46, 77, 100, 11, new TextEncoder().encode("lost")),
    sendFailed(true, 5, 0, 0, 0, 0, 12, new Uint8Array(0)),
    simple(T.SHUTDOWN, 12, 13, 8),
    adaptation(0xcafebabe, 14),
    pdapi(15),
    authkey(1, 2, 0, 16),
    simple(T.SENDER_DRY, 12, 17, 8),
    streamReset(2, 18, [1, 2, 65535]),
    assocReset(0, 19, 1000, 2000),
    streamChange(4, 20, 2, 3),
    sendFailedEvent(false, 21, new TextEncoder().encode("gone")),
  ];
}

/** Structural sanity of any decoded event; `raw` bounds every byte field. */
function checkEvent(ev: SctpEvent, raw: Uint8Array) {
  assert.ok(ev && typeof ev === "object", "an event object");
  assert.ok(KNOWN_TYPES.has(ev.type), `known type, got ${ev.type}`);
  const fixed = FIXED[raw.length >= 2 ? raw[0] | (raw[1] << 8) : -1];
  switch (ev.type) {
    case "sctp_unknown_event":
      assert.ok(ev.data instanceof Uint8Array);
      assert.deepEqual(ev.data, raw, "unknown event carries the raw bytes");
      assert.equal(
        ev.kernel_type,
        raw.length >= 2 ? raw[0] | (raw[1] << 8) : 0,
      );
      return;
    case "sctp_remote_error":
      assert.ok(raw.length >= 16);
      assert.deepEqual(ev.data, raw.subarray(16), "causes are the tail");
      return;
    case "sctp_send_failed_event":
      assert.ok(raw.length >= 32);
      assert.deepEqual(ev.data, raw.subarray(32), "data is the tail");
      assert.equal(ev.info.type, "sctp_sndinfo");
      return;
    case "sctp_stream_reset_event":
      assert.ok(raw.length >= 12);
      assert.equal(ev.stream_list.length, (raw.length - 12) >> 1);
      return;
    case "sctp_send_failed":
      assert.ok(raw.length >= 48);
      assert.deepEqual(ev.data, raw.subarray(48), "data is the tail");
      assert.equal(typeof ev.flags, "boolean");
      assert.equal(ev.info.type, "sctp_sndrcvinfo");
      return;
    default:
      // every decoded (non-unknown) event needs at least its fixed part
      if (fixed !== undefined) assert.ok(raw.length >= fixed);
      assert.equal(typeof (ev as { assoc_id: number }).assoc_id, "number");
  }
}

describe("decodeNotification", () => {
  it("decodes each well-formed Linux notification with every field", () => {
    const s = samples();
    assert.deepEqual(decodeNotification(s[0]), {
      type: "sctp_assoc_change",
      state: "comm_up",
      error: 0,
      outbound_streams: 10,
      inbound_streams: 7,
      assoc_id: 42,
    });
    assert.deepEqual(decodeNotification(s[1]), {
      type: "sctp_assoc_change",
      state: "comm_lost",
      error: 0x1234,
      outbound_streams: 1,
      inbound_streams: 1,
      assoc_id: 43,
    });
    assert.equal(
      (decodeNotification(s[2]) as { state: string }).state,
      "cant_assoc",
    );
    assert.deepEqual(decodeNotification(s[3]), {
      type: "sctp_paddr_change",
      addr: { addr: "127.0.0.2", port: 3868 },
      state: "addr_confirmed",
      error: 0,
      assoc_id: 7,
    });
    const p6 = decodeNotification(s[4]) as {
      addr: { addr: string; port: number };
      state: string;
    };
    assert.equal(p6.state, "addr_added");
    assert.equal(p6.addr.port, 1);
    assert.match(p6.addr.addr, /^fe80:/i);
    assert.deepEqual(decodeNotification(s[5]), {
      type: "sctp_remote_error",
      error: 12,
      assoc_id: 9,
      data: Uint8Array.of(0, 0x0c, 0, 8, 0xde, 0xad, 0xbe, 0xef),
    });
    const sf = decodeNotification(s[6]);
    assert.equal(sf.type, "sctp_send_failed");
    if (sf.type === "sctp_send_failed") {
      assert.equal(sf.flags, false);
      assert.equal(sf.error, 0);
      assert.equal(sf.assoc_id, 11);
      assert.equal(new TextDecoder().decode(sf.data), "lost");
      assert.equal(sf.info.stream, 3);
      assert.equal(sf.info.ppid, 46);
      assert.equal(sf.info.context, 77);
      assert.equal(sf.info.timetolive, 100);
      assert.deepEqual(sf.info.flags, ["unordered"]);
      assert.equal(sf.info.assoc_id, 11);
    }
    const sf2 = decodeNotification(s[7]);
    assert.equal(sf2.type, "sctp_send_failed");
    if (sf2.type === "sctp_send_failed") {
      assert.equal(sf2.flags, true);
      assert.equal(sf2.error, 5);
      assert.equal(sf2.data.length, 0);
    }
    assert.deepEqual(decodeNotification(s[8]), {
      type: "sctp_shutdown_event",
      assoc_id: 13,
    });
    assert.deepEqual(decodeNotification(s[9]), {
      type: "sctp_adaptation_event",
      adaptation_ind: 0xcafebabe,
      assoc_id: 14,
    });
    assert.deepEqual(decodeNotification(s[10]), {
      type: "sctp_pdapi_event",
      indication: "partial_delivery_aborted",
      assoc_id: 15,
    });
    assert.deepEqual(decodeNotification(s[11]), {
      type: "sctp_authkey_event",
      keynumber: 1,
      altkeynumber: 2,
      indication: "new_key",
      assoc_id: 16,
    });
    assert.deepEqual(decodeNotification(s[12]), {
      type: "sctp_sender_dry_event",
      assoc_id: 17,
    });
    assert.deepEqual(decodeNotification(s[13]), {
      type: "sctp_stream_reset_event",
      flags: ["outgoing_ssn"],
      assoc_id: 18,
      stream_list: [1, 2, 65535],
    });
    assert.deepEqual(decodeNotification(s[14]), {
      type: "sctp_assoc_reset_event",
      flags: [],
      assoc_id: 19,
      local_tsn: 1000,
      remote_tsn: 2000,
    });
    assert.deepEqual(decodeNotification(s[15]), {
      type: "sctp_stream_change_event",
      flags: ["denied"],
      assoc_id: 20,
      instrms: 2,
      outstrms: 3,
    });
    assert.deepEqual(decodeNotification(s[16]), {
      type: "sctp_send_failed_event",
      flags: false,
      error: 7,
      info: {
        type: "sctp_sndinfo",
        snd_sid: 4,
        snd_flags: ["unordered"],
        snd_ppid: 46,
        snd_context: 99,
        snd_assoc_id: 21,
      },
      assoc_id: 21,
      data: new TextEncoder().encode("gone"),
    });
  });

  it("every truncation of every sample is a clear event or sctp_unknown_event", () => {
    for (const full of samples()) {
      const type = full[0] | (full[1] << 8);
      for (let n = 0; n <= full.length; n++) {
        const raw = full.slice(0, n);
        const ev = decodeNotification(raw);
        checkEvent(ev, raw);
        if (n < FIXED[type]) {
          assert.equal(ev.type, "sctp_unknown_event", `type ${type} len ${n}`);
        }
      }
    }
  });

  it("unknown kinds and unknown states become sctp_unknown_event", () => {
    for (
      const type of [0, 1, 0x7fff, 0x800e, 0x800f, 0x8010, 0x8100, 0xffff]
    ) {
      const { b } = header(type, 64);
      const ev = decodeNotification(b);
      assert.equal(ev.type, "sctp_unknown_event");
      if (ev.type === "sctp_unknown_event") {
        assert.equal(ev.kernel_type, type);
        assert.deepEqual(ev.data, b);
      }
    }
    // assoc_change state 5 and paddr_change state 7 do not exist
    assert.equal(
      decodeNotification(assocChange(5, 0, 1, 1, 1)).type,
      "sctp_unknown_event",
    );
    assert.equal(
      decodeNotification(paddrChange([127, 0, 0, 1], 1, 7, 0, 1)).type,
      "sctp_unknown_event",
    );
    // paddr_change state 6 is SCTP_ADDR_POTENTIALLY_FAILED
    const pf = decodeNotification(paddrChange([127, 0, 0, 1], 1, 6, 0, 1));
    assert.equal(pf.type, "sctp_paddr_change");
    assert.equal(
      (pf as { state?: string }).state,
      "addr_potentially_failed",
    );
  });

  it("never reads past the buffer it is given (tail bytes stay inside)", () => {
    const r = rng(7);
    for (const full of samples()) {
      for (let i = 0; i < 40; i++) {
        const n = r.int(full.length + 1);
        // the notification lives inside a larger buffer full of 0xEE
        const big = new Uint8Array(full.length + 256).fill(0xee);
        big.set(full.subarray(0, n), 64);
        const raw = big.subarray(64, 64 + n);
        const ev = decodeNotification(raw);
        checkEvent(ev, raw);
        const data = (ev as { data?: unknown }).data;
        if (data instanceof Uint8Array) {
          assert.ok(data.length <= n, "no byte from beyond the end");
        }
      }
    }
  });

  it("survives thousands of mutated and random notifications", () => {
    const r = rng(0x5c7b);
    const base = samples();
    let decoded = 0, unknown = 0;
    for (let i = 0; i < 6000; i++) {
      let raw: Uint8Array;
      const mode = r.int(4);
      if (mode === 0) {
        raw = r.bytes(r.int(200));
      } else {
        const src = base[r.int(base.length)];
        raw = src.slice();
        const flips = 1 + r.int(6);
        for (let k = 0; k < flips && raw.length > 0; k++) {
          // keep the type bytes most of the time so the known decoders run
          const at = mode === 3 ? r.int(raw.length) : 2 + r.int(raw.length);
          if (at < raw.length) raw[at] = r.int(256);
        }
        if (mode === 2) raw = raw.slice(0, r.int(raw.length + 1));
        if (mode === 1 && r.int(2) === 0) {
          const grown = new Uint8Array(raw.length + r.int(300));
          grown.set(raw);
          grown.set(r.bytes(grown.length - raw.length), raw.length);
          raw = grown;
        }
      }
      const ev = decodeNotification(raw);
      checkEvent(ev, raw);
      if (ev.type === "sctp_unknown_event") unknown++;
      else decoded++;
    }
    // the mutations exercised both the decoders and the fallback
    assert.ok(decoded > 500, `decoded ${decoded}`);
    assert.ok(unknown > 200, `unknown ${unknown}`);
  });

  it("handles a large send_failed payload (bigger than the output buffer)", () => {
    const data = new Uint8Array(20000).map((_, i) => i & 0xff);
    const raw = sendFailed(false, 0, 1, 2, 3, 4, 5, data);
    const ev = decodeNotification(raw);
    assert.equal(ev.type, "sctp_send_failed");
    if (ev.type === "sctp_send_failed") assert.deepEqual(ev.data, data);
    // and a small one right after (the output buffer is reused)
    const small = decodeNotification(simple(T.SHUTDOWN, 12, 99, 8));
    assert.deepEqual(small, { type: "sctp_shutdown_event", assoc_id: 99 });
  });
});
