import { z } from "zod";

/** The multipart body: exactly one part, `file`, holding a file. */
export const uploadFormSchema = z.strictObject({
  file: z.instanceof(File, { message: "must be a file" }),
});

export type UploadForm = z.infer<typeof uploadFormSchema>;
