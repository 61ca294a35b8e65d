import type { Metadata } from "next";
import { CorpusOverviewCard } from "@/components/admin/corpus-overview";
import { DocumentList } from "@/components/admin/document-list";
import { ResetCorpus } from "@/components/admin/reset-corpus";
import { Uploader } from "@/components/admin/uploader";
import { Alert } from "@/components/ui/alert";
import {
  type CorpusOverview,
  canSortDocuments,
  getCorpusOverview,
  UPLOAD_EXTENSIONS,
  UPLOAD_MAX_BYTES,
} from "@/lib/admin/corpus";
import { requireStaffPage } from "@/lib/auth/staff";
import { getConfig } from "@/lib/config";
import { toAppError } from "@/lib/http/upstream-errors";
import { getVectaraClient } from "@/lib/server/vectara";
import { resetCorpusAction } from "./actions";

export const metadata: Metadata = { title: "Admin" };
export const dynamic = "force-dynamic";

/** The chatbot's corpus: overview, upload, documents, reset. */
export default async function AdminPage() {
  await requireStaffPage("admin");
  const corpusKey = getConfig().vectara.corpusKey;
  let overview: CorpusOverview | undefined;
  let problem: string | undefined;
  try {
    overview = await getCorpusOverview({ client: getVectaraClient() });
  } catch (error) {
    problem = toAppError(error, { audience: "admin" }).message;
  }

  return (
    <>
      {overview ? (
        <CorpusOverviewCard overview={overview} />
      ) : (
        <Alert data-testid="corpus-error" size="md">
          The corpus <code className="font-mono">{corpusKey}</code> could not be read: {problem}
        </Alert>
      )}
      <Uploader maxBytes={UPLOAD_MAX_BYTES} extensions={UPLOAD_EXTENSIONS} />
      <DocumentList sortable={canSortDocuments()} />
      <ResetCorpus corpusKey={corpusKey} action={resetCorpusAction} />
    </>
  );
}
