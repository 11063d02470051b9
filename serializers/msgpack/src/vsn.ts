/** The client `vsn` that selects the MessagePack serializer: `new Socket(url, { vsn: MSGPACK_VSN, ... })`. */
export const MSGPACK_VSN = "2.0.0-msgpack";
