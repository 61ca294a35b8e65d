import type { VectaraClient } from "@/lib/vectara";

/**
 * A two-article `support_kb` (a refund policy with a URL, an invitations article
 * without one) for tests that run real chats through an in-process engine.
 */
export async function seedSmallKb(client: VectaraClient): Promise<void> {
  await client.corpora.create({ key: "support_kb" });
  await client.documents.create("support_kb", {
    type: "structured",
    id: "billing/refunds.md",
    title: "Refund policy",
    metadata: { category: "billing", url: "https://help.example/refunds" },
    sections: [
      {
        title: "Yearly plans",
        text: "Yearly plans are refunded in full within 30 days of purchase. Monthly plans are not refunded.",
      },
    ],
  });
  await client.documents.create("support_kb", {
    type: "structured",
    id: "account/invite.md",
    title: "Inviting teammates",
    metadata: { category: "account" },
    sections: [
      {
        title: "Members",
        text: "Invite teammates from the Members page. Each invite expires in 7 days.",
      },
    ],
  });
}
