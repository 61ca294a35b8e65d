"use client";

import { useQueryClient } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { type DragEvent, useCallback, useEffect, useId, useRef, useState } from "react";
import { adminKeys } from "@/components/query-keys";
import { uploadFile } from "@/components/staff/api";
import { Alert } from "@/components/ui/alert";
import { focusRing } from "@/components/ui/button";
import { CheckIcon } from "@/components/ui/icons";
import type { AdminDocument, UploadResult } from "@/lib/admin/corpus";
import { formatBytes } from "./format";

/** Files uploaded at once; the rest wait their turn. */
const MAX_PARALLEL = 3;

type UploadItem = {
  key: string;
  file: File;
  status: "queued" | "uploading" | "done" | "error";
  /** 0..1 of the request body sent. */
  progress: number;
  result?: UploadResult;
  error?: string;
};

const extensionOf = (name: string) => /\.([A-Za-z0-9]+)$/.exec(name)?.[1]?.toLowerCase() ?? "";

/**
 * Drop files (or pick them) to add them to the corpus. Each file is one request, at most
 * three at a time, with its own progress bar and then its document id or its error.
 */
export function Uploader({
  maxBytes,
  extensions,
}: {
  maxBytes: number;
  extensions: readonly string[];
}) {
  const [items, setItems] = useState<UploadItem[]>([]);
  const [dragging, setDragging] = useState(false);
  const started = useRef(new Set<string>());
  const counter = useRef(0);
  const inputId = useId();
  const queryClient = useQueryClient();
  const router = useRouter();

  const update = useCallback((key: string, patch: Partial<UploadItem>) => {
    setItems((list) => list.map((item) => (item.key === key ? { ...item, ...patch } : item)));
  }, []);

  const addFiles = (files: FileList | File[]) => {
    const added: UploadItem[] = Array.from(files).map((file) => {
      const key = `${++counter.current}:${file.name}`;
      // Refuse early what the server would refuse anyway, without sending megabytes.
      const error = !extensions.includes(extensionOf(file.name))
        ? `Unsupported file type. Upload ${extensions.join(", ")}.`
        : file.size > maxBytes
          ? `The file is larger than ${maxBytes / 1024 / 1024} MB.`
          : file.size === 0
            ? "The file is empty."
            : undefined;
      return error
        ? { key, file, status: "error", progress: 0, error }
        : { key, file, status: "queued", progress: 0 };
    });
    setItems((list) => [...added, ...list]);
  };

  useEffect(() => {
    const running = items.filter((i) => started.current.has(i.key) && i.status === "uploading");
    const free = MAX_PARALLEL - running.length;
    if (free <= 0) return;
    const next = items
      .filter((i) => i.status === "queued" && !started.current.has(i.key))
      .reverse() // oldest first: new files are listed on top
      .slice(0, free);
    for (const item of next) {
      started.current.add(item.key);
      update(item.key, { status: "uploading", progress: 0 });
      uploadFile(item.file, (progress) => update(item.key, { progress })).then(
        (result) => {
          update(item.key, { status: "done", progress: 1, result });
          // The list shows it on its first page whatever its order (document-list.tsx).
          queryClient.setQueryData<AdminDocument[]>(adminKeys.recentUploads(), (recent = []) => [
            result.document,
            ...recent.filter((d) => d.id !== result.document.id),
          ]);
          void queryClient.invalidateQueries({ queryKey: adminKeys.documents() });
          router.refresh();
        },
        (error: unknown) =>
          update(item.key, {
            status: "error",
            error: error instanceof Error ? error.message : "The upload failed.",
          }),
      );
    }
  }, [items, update, queryClient, router]);

  const onDrop = (e: DragEvent) => {
    e.preventDefault();
    setDragging(false);
    if (e.dataTransfer.files.length) addFiles(e.dataTransfer.files);
  };

  const accept = extensions.map((x) => `.${x}`).join(",");
  const finished = items.some((i) => i.status === "done" || i.status === "error");

  return (
    <section
      aria-labelledby="upload-heading"
      className="rounded-xl border border-border bg-surface p-4 sm:p-5"
    >
      <div className="flex items-center justify-between gap-2">
        <h2 id="upload-heading" className="font-semibold text-base">
          Upload documents
        </h2>
        {finished && (
          <button
            type="button"
            onClick={() =>
              setItems((list) =>
                list.filter((i) => i.status === "queued" || i.status === "uploading"),
              )
            }
            className={`rounded-md px-2 py-1 text-muted text-xs hover:bg-surface-muted hover:text-foreground ${focusRing}`}
          >
            Clear finished
          </button>
        )}
      </div>

      <label
        htmlFor={inputId}
        data-testid="upload-dropzone"
        data-dragging={dragging || undefined}
        onDragOver={(e) => {
          e.preventDefault();
          e.dataTransfer.dropEffect = "copy";
          setDragging(true);
        }}
        onDragLeave={() => setDragging(false)}
        onDrop={onDrop}
        className="mt-3 flex cursor-pointer flex-col items-center justify-center gap-1 rounded-xl border-2 border-border border-dashed bg-surface-muted px-4 py-8 text-center transition-colors hover:border-brand/60 has-focus-visible:border-brand data-dragging:border-brand data-dragging:bg-brand-soft"
      >
        <span className="font-medium text-sm">Drop files here, or click to choose</span>
        <span className="text-muted text-xs">
          {extensions.join(", ")} · up to {maxBytes / 1024 / 1024} MB each · a file with the same
          name replaces the earlier upload
        </span>
        <input
          id={inputId}
          type="file"
          multiple
          accept={accept}
          data-testid="upload-input"
          className="sr-only"
          onChange={(e) => {
            if (e.target.files?.length) addFiles(e.target.files);
            // Lets the same file be chosen again.
            e.target.value = "";
          }}
        />
      </label>

      {items.length > 0 && (
        <ul className="mt-4 space-y-2" aria-label="Uploads">
          {items.map((item) => (
            <UploadRow key={item.key} item={item} />
          ))}
        </ul>
      )}
    </section>
  );
}

function UploadRow({ item }: { item: UploadItem }) {
  const percent = Math.round(item.progress * 100);
  return (
    <li
      data-testid="upload-row"
      data-status={item.status}
      data-file-name={item.file.name}
      className="rounded-lg border border-border px-3 py-2 text-sm"
    >
      <div className="flex items-center justify-between gap-3">
        <span className="min-w-0 truncate font-medium">{item.file.name}</span>
        <span className="shrink-0 text-muted text-xs tabular-nums">
          {formatBytes(item.file.size)}
        </span>
      </div>
      {(item.status === "queued" || item.status === "uploading") && (
        <div className="mt-2 flex items-center gap-2">
          <div
            role="progressbar"
            aria-label={`Uploading ${item.file.name}`}
            aria-valuemin={0}
            aria-valuemax={100}
            aria-valuenow={percent}
            className="h-1.5 flex-1 overflow-hidden rounded-full bg-surface-muted"
          >
            <div
              className="h-full rounded-full bg-brand transition-[width]"
              style={{ width: `${percent}%` }}
            />
          </div>
          <span className="w-20 shrink-0 text-right text-muted text-xs tabular-nums">
            {item.status === "queued" ? "Waiting" : percent < 100 ? `${percent}%` : "Indexing…"}
          </span>
        </div>
      )}
      {item.status === "done" && item.result && (
        <p
          data-testid="upload-result"
          data-document-id={item.result.documentId}
          className="mt-1 flex items-center gap-1.5 text-positive-foreground text-xs"
        >
          <CheckIcon className="size-3.5 shrink-0" />
          <span className="min-w-0 truncate">
            <code className="font-mono">{item.result.documentId}</code> ·{" "}
            {item.result.replaced ? "Replaced and indexed" : "Indexed"}
          </span>
        </p>
      )}
      {item.status === "error" && (
        <Alert data-testid="upload-error" variant="text" size="xs" icon className="mt-1">
          {item.error}
        </Alert>
      )}
    </li>
  );
}
