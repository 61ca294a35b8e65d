import { wordTokens } from "../lexical";

/**
 * Conversation, not search: a greeting, thanks, a goodbye or "can I talk to a
 * human?" gets a short, friendly reply from the extractive generator instead of
 * "couldn't find anything". Only short messages made of such words are small talk;
 * "hi, how do I reset my password?" is a question and is answered as one.
 */
export type SmallTalk = "greeting" | "thanks" | "goodbye" | "human" | "identity";

const GREETING = new Set(["hi", "hello", "hey", "hiya", "howdy", "greetings", "yo", "hallo"]);
const THANKS = new Set(["thanks", "thank", "thx", "ty", "cheers", "great", "perfect", "awesome"]);
const GOODBYE = new Set(["bye", "goodbye", "cya", "later"]);
/** Words that may surround small talk without making it a question. */
const FILLER = new Set([
  ...["there", "you", "so", "much", "very", "a", "lot", "ok", "okay", "good", "morning"],
  ...["afternoon", "evening", "day", "all", "again", "for", "the", "help", "that", "it", "this"],
  ...["helped", "works", "worked", "bot", "assistant", "parley", "see", "ya", "have", "nice"],
  ...["guys", "team", "folks", "everyone", "please", "i", "just", "wanted", "to", "say", "and"],
]);

const HUMAN =
  /\b(?:(?:talk|speak|chat)\s+(?:to|with)\s+(?:a|an|some|the|your)?\s*(?:real\s+|live\s+)?(?:human|person|people|agent|someone|somebody|representative|support|staff|operator)|(?:real|live)\s+(?:human|person|agent)|human\s+(?:agent|support|being)|contact\s+(?:a\s+)?(?:human|person)|(?:get|want|need)\s+(?:a\s+)?(?:human|person|real person))\b/i;
const IDENTITY =
  /^(?:who|what)\s+are\s+you\??$|^are\s+you\s+(?:a\s+)?(?:bot|robot|human|real|ai)\??$/i;

/** What kind of small talk a message is, if it is nothing else. */
export function smallTalkOf(message: string): SmallTalk | undefined {
  const text = message.trim();
  if (text.length === 0 || text.length > 120) return undefined;
  if (HUMAN.test(text)) return "human";
  if (IDENTITY.test(text)) return "identity";
  const words = wordTokens(text);
  if (words.length === 0 || words.length > 8) return undefined;
  const kinds = new Set<SmallTalk>();
  for (const w of words) {
    if (GREETING.has(w)) kinds.add("greeting");
    else if (THANKS.has(w)) kinds.add("thanks");
    else if (GOODBYE.has(w)) kinds.add("goodbye");
    else if (!FILLER.has(w)) return undefined;
  }
  if (kinds.has("thanks")) return "thanks";
  if (kinds.has("goodbye")) return "goodbye";
  return kinds.has("greeting") ? "greeting" : undefined;
}

/** The reply to small talk (for "human", the lead-in to how to reach support, when found). */
export const SMALL_TALK_REPLIES: Record<SmallTalk, string> = {
  greeting:
    "Hello! I answer questions from this knowledge base. Ask me in your own words, for example how to do something, what a setting does, or what an error message means.",
  thanks: "You're welcome! Is there anything else I can help you with?",
  goodbye: "Goodbye! Come back any time you have a question.",
  identity:
    "I'm an automated assistant: I answer from this knowledge base and show you the articles each answer comes from.",
  human:
    "I'm an automated assistant, so I can't hand you over myself, but here is how to reach a person:",
};

/** For "human" when the knowledge base says nothing about contacting anyone. */
export const NO_CONTACT_REPLY =
  "I'm an automated assistant and can't hand you over to a person. The knowledge base doesn't say how to contact support, so please use the contact details on the website you came from.";

/** Contact details: an e-mail address, a web address, a phone number. */
export const CONTACT_DETAILS = /[\w.+-]+@[\w-]+\.[\w.]+|https?:\/\/\S+|\+?\d[\d\s().-]{7,}\d/;

/** What to search for when someone asks for a person: how to reach support. */
export const CONTACT_QUERY = "How do I contact support?";
