// The line format on its own: round trips and refusals, without sockets.
import test from "ava";
import { decodeAnswer, decodeHandshake, decodeLine, encodeClose, encodeFrame } from "@fawkes/example-tcp-transport";

const bytes = (line: string): Buffer => Buffer.from(line.replace(/\n$/, ""), "utf8");

test("text frames with newlines, quotes and unicode stay on one line and round-trip", (t) => {
  const text = 'a\nb\r\n"c"\\ \u2028 ✓ \ud800';
  const line = encodeFrame({ opcode: "text", data: text });
  t.is(line.indexOf("\n"), line.length - 1);
  t.deepEqual(decodeLine(bytes(line)), { kind: "frame", frame: { opcode: "text", data: text } });
});

test("binary frames round-trip through base64", (t) => {
  const data = new Uint8Array(256).map((_, i) => i);
  const read = decodeLine(bytes(encodeFrame({ opcode: "binary", data: data.subarray(3, 200) })));
  t.true(read.kind === "frame" && read.frame.opcode === "binary");
  if (read.kind === "frame") t.deepEqual([...(read.frame.data as Uint8Array)], [...data.subarray(3, 200)]);
});

test("close lines carry code and reason, line breaks flattened", (t) => {
  t.deepEqual(decodeLine(bytes(encodeClose(1001, "going\naway"))), { kind: "close", code: 1001, reason: "going away" });
});

test("malformed lines are read as invalid with a close code, never thrown", (t) => {
  const codes = ["T{not json", "T123", "B@@@", "Cabc", "", "Zzz", "B"].map((line) => decodeLine(Buffer.from(line)));
  t.deepEqual(
    codes.map((r) => (r.kind === "invalid" ? r.code : r.kind)),
    [1002, 1002, 1002, 1002, 1002, 1002, "frame"],
  );
  const notUtf8 = decodeLine(Buffer.from([0x54, 0x22, 0xff, 0x22]));
  t.true(notUtf8.kind === "invalid" && notUtf8.code === 1007);
});

test("handshakes and answers are validated", (t) => {
  t.deepEqual(decodeHandshake(Buffer.from('{"path":"/socket/tcp","params":{"vsn":"2.0.0"}}')), { path: "/socket/tcp", params: { vsn: "2.0.0" } });
  for (const bad of ["", "[]", '{"path":1,"params":{}}', '{"path":"/s","params":{"a":1}}', '{"path":"/s","params":{},"authToken":5}']) {
    t.true("problem" in decodeHandshake(Buffer.from(bad)), bad);
  }
  t.deepEqual(decodeAnswer(Buffer.from('{"ok":false,"status":403,"code":"ERR_REFUSED"}')), { ok: false, status: 403, code: "ERR_REFUSED" });
  t.is(decodeAnswer(Buffer.from('{"ok":"yes"}')), undefined);
});
