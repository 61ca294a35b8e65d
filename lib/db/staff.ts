export * from "./chat-reviews";
