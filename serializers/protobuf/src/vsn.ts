/** The client `vsn` that selects the protobuf serializer: `new Socket(url, { vsn: PROTOBUF_VSN, ... })`. */
export const PROTOBUF_VSN = "2.0.0-protobuf";
