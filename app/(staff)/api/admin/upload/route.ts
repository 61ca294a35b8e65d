import { UPLOAD_MAX_BYTES, uploadCorpusFile } from "@/lib/admin/corpus";
import { staffRoute } from "@/lib/auth/staff";
import { AppError } from "@/lib/http/errors";
import { otherMethods } from "@/lib/http/fallbacks";
import { getVectaraClient } from "@/lib/server/vectara";
import { uploadFormSchema } from "./schema";

export const dynamic = "force-dynamic";

/** Any other method: 405 in the API error shape (Next.js would answer an empty one). */
export const { GET, PUT, PATCH, DELETE } = otherMethods(["POST"]);

/** Room for the multipart boundaries and headers around the file. */
const MAX_BODY_BYTES = UPLOAD_MAX_BYTES + 64 * 1024;

const badRequest = (message: string, fieldErrors?: Record<string, string>) =>
  new AppError("bad_request:staff", message, { fieldErrors }).toResponse();

/** Uploads one file (multipart part `file`) into the corpus; the browser sends one request per file. */
export const POST = staffRoute({ role: "admin" }, async (request) => {
  if (Number(request.headers.get("content-length") ?? 0) > MAX_BODY_BYTES) {
    return badRequest(`The file is larger than ${UPLOAD_MAX_BYTES / 1024 / 1024} MB.`);
  }
  let form: FormData;
  try {
    form = await request.formData();
  } catch {
    return badRequest("The upload is not valid multipart/form-data.");
  }
  const parts = [...form.keys()];
  const parsed = uploadFormSchema.safeParse(Object.fromEntries(form));
  if (!parsed.success || parts.length !== 1) {
    return badRequest("Send exactly one multipart part, `file`, holding the file.", {
      "body.file": parsed.success
        ? "must be the only part"
        : (parsed.error.issues[0]?.message ?? "invalid"),
    });
  }

  const result = await uploadCorpusFile({ client: getVectaraClient(), file: parsed.data.file });
  return Response.json(result, { status: 201 });
});
