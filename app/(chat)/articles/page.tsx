import type { Metadata } from "next";
import { notFound } from "next/navigation";

export const metadata: Metadata = { title: "Article not found" };

/** `/articles` names no article: the reader's not-found page, not the chat's. */
export default function ArticlesIndex(): never {
  notFound();
}
