import type { Nodes, Parent, PhrasingContent, Root, Text } from "mdast";
import { citationMarkers } from "@/lib/chat/cited";

/**
 * Turns the answer's `[n]` citation markers into `citationMarker` nodes: a remark
 * plugin plus the pure text splitter it is built on. No dependency beyond the
 * mdast types and the marker grammar (lib/chat/cited.ts), so it unit-tests without a
 * renderer.
 */

/** A citation marker in the mdast tree; mdast-util-to-hast renders it from `data`. */
export interface CitationMarkerNode {
  type: "citationMarker";
  index: number;
  data: {
    hName: "sup";
    hProperties: { dataCitation: number };
    hChildren: [{ type: "text"; value: string }];
  };
}

declare module "mdast" {
  interface PhrasingContentMap {
    citationMarker: CitationMarkerNode;
  }
  interface RootContentMap {
    citationMarker: CitationMarkerNode;
  }
}

export type CitationSegment = { type: "text"; value: string } | { type: "citation"; index: number };

/**
 * Splits `text` into plain text and citation markers. A number becomes a marker
 * only when it is in `known`; unknown numbers keep their brackets and stay text,
 * so "[2024]" or "[7]" with no source 7 read exactly as the model wrote them.
 */
export function splitCitationText(text: string, known: ReadonlySet<number>): CitationSegment[] {
  const out: CitationSegment[] = [];
  const pushText = (value: string) => {
    if (!value) return;
    const last = out.at(-1);
    if (last?.type === "text") last.value += value;
    else out.push({ type: "text", value });
  };

  let cursor = 0;
  // One bracket group: `[1]`, `[1, 2]`, `[2-4]`. `[1][2]` is two groups.
  for (const match of citationMarkers(text)) {
    const { numbers } = match;
    if (!numbers.some((n) => known.has(n))) continue;
    // "date [1]." reads "date¹." : the marker hugs the word it supports.
    pushText(text.slice(cursor, match.index).replace(/[ \t]+$/, ""));
    for (const n of numbers) {
      if (known.has(n)) out.push({ type: "citation", index: n });
      else pushText(`[${n}]`);
    }
    cursor = match.index + match.length;
  }
  pushText(text.slice(cursor));
  return out;
}

export function citationMarkerNode(index: number): CitationMarkerNode {
  return {
    type: "citationMarker",
    index,
    data: {
      hName: "sup",
      hProperties: { dataCitation: index },
      hChildren: [{ type: "text", value: String(index) }],
    },
  };
}

/**
 * Where markers must not appear: code shows text verbatim, and a button inside a
 * link would nest interactive content.
 */
const SKIP = new Set<string>(["code", "inlineCode", "html", "link", "linkReference", "definition"]);

function isParent(node: Nodes): node is Nodes & Parent {
  return "children" in node && Array.isArray(node.children);
}

/** Rewrites text children of every parent in place. Exported for tests. */
export function replaceCitationMarkers(tree: Root, known: ReadonlySet<number>): void {
  const walk = (parent: Parent) => {
    const next: Parent["children"] = [];
    for (const child of parent.children) {
      if (SKIP.has(child.type)) {
        next.push(child);
        continue;
      }
      if (child.type === "text") {
        for (const segment of splitCitationText((child as Text).value, known)) {
          next.push(
            segment.type === "text"
              ? ({ type: "text", value: segment.value } satisfies Text)
              : (citationMarkerNode(segment.index) satisfies PhrasingContent),
          );
        }
        continue;
      }
      if (isParent(child as Nodes)) walk(child as Parent);
      next.push(child);
    }
    parent.children = next;
  };
  if (known.size > 0) walk(tree);
}

/** The remark plugin: `remarkPlugins={[[remarkCitationMarkers, { indices: [1, 2] }]]}`. */
export function remarkCitationMarkers(options: { indices: readonly number[] }) {
  const known = new Set(options.indices);
  return (tree: Root) => replaceCitationMarkers(tree, known);
}
