/** TanStack Query keys, in one factory so that a mutation knows what to invalidate. */
export const chatKeys = {
  all: ["chats"] as const,
  history: () => [...chatKeys.all, "history"] as const,
};
