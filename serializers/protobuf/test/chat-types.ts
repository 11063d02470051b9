import { typesFromProto } from "@fawkes/protobuf/schema";

/** An application schema with one typed event, shared by server and client as an app would. */
export const CHAT_PROTO = `
syntax = "proto3";
package chat;
message ChatMessage {
  string user = 1;
  string body = 2;
  int64 ts = 3;
}
message Attachment { string name = 1; bytes data = 2; }
message Post { string title = 1; repeated Attachment files = 2; }
`;

export const chatTypes = typesFromProto(CHAT_PROTO, { new_msg: "chat.ChatMessage", post: "chat.Post" });
