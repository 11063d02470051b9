/**
 * The text of proto/fawkes.proto (the envelope schema), kept in the code so that
 * browsers and bundlers need no file access. A test checks it equals the shipped file.
 */
export const FAWKES_PROTO = `// The Fawkes protobuf envelope: one Envelope per binary WebSocket frame, client vsn
// "2.0.0-protobuf". Shipped in @fawkes/protobuf as proto/fawkes.proto.
syntax = "proto3";

package fawkes;

// One message between client and server, after Phoenix's V2 array
// [join_ref, ref, topic, event, payload].
message Envelope {
  // Absent means null, as in Phoenix (server pushes have no ref; broadcasts have neither).
  optional string join_ref = 1;
  optional string ref = 2;
  string topic = 3;
  // Absent on replies (status set): the event is then "phx_reply".
  string event = 4;
  // Set on replies only: the reply status ("ok", "error", ...); the payload is the
  // reply's response, so the client sees payload {status, response}.
  optional string status = 5;
  // Absent means the empty object {} (the most common payload: joins, heartbeats, replies).
  oneof payload {
    // A JSON-compatible value.
    Value json = 6;
    // A binary payload (an ArrayBuffer in the phoenix client, a Uint8Array on the server).
    bytes binary = 7;
    // An application message type registered for this event, encoded with that type.
    bytes typed = 8;
  }
}

// A JSON value. Wire-compatible with google.protobuf.Value, so other languages may
// decode field 6 with their well-known types.
message Value {
  oneof kind {
    NullValue null_value = 1;
    double number_value = 2;
    string string_value = 3;
    bool bool_value = 4;
    Struct struct_value = 5;
    ListValue list_value = 6;
  }
}

// A JSON object (google.protobuf.Struct).
message Struct {
  map<string, Value> fields = 1;
}

// A JSON array (google.protobuf.ListValue).
message ListValue {
  repeated Value values = 1;
}

// JSON null (google.protobuf.NullValue).
enum NullValue {
  NULL_VALUE = 0;
}
`;
