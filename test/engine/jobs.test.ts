import { afterEach, describe, expect, it } from "vitest";
import { MAX_JOBS } from "@/lib/engine/store/jobs";
import {
  ForbiddenError,
  InvalidRequestError,
  NotFoundError,
  UnauthorizedError,
} from "@/lib/vectara";
import { makeEngine } from "../support/engine";
import { serveEngine } from "../support/serve-engine";

/**
 * Jobs: `replace_filter_attributes` writes one, finished, in the transaction of its
 * work; `GET /v2/jobs` and `GET /v2/jobs/{id}` read them, within the key's scope.
 */

const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
});

const ATTRS = [{ name: "tier", level: "document", type: "integer" }] as const;
const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;

async function setup() {
  const fixture = makeEngine();
  for (const key of ["a", "b"]) await fixture.client.corpora.create({ key });
  const server = await serveEngine(fixture.engine);
  closers.push(server.close);
  const call = (
    method: string,
    path: string,
    body?: unknown,
    apiKey: string | null = fixture.engine.apiKey,
  ) =>
    fetch(`${server.url}${path}`, {
      method,
      headers: {
        "content-type": "application/json",
        ...(apiKey === null ? {} : { "x-api-key": apiKey }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  const makeKey = async (corpusKeys: string[]) => {
    const response = await call("POST", "/v2/api_keys", {
      name: "scoped",
      api_key_role: "serving",
      corpus_keys: corpusKeys,
    });
    return ((await response.json()) as { secret_key: string }).secret_key;
  };
  return { ...fixture, call, makeKey };
}

describe("jobs", () => {
  it("replace_filter_attributes answers a job id that reads back completed, with its times", async () => {
    const { call, client } = await setup();
    const before = new Date().toISOString();
    const response = await call("POST", "/v2/corpora/a/replace_filter_attributes", {
      filter_attributes: ATTRS,
    });
    expect(response.status).toBe(200);
    const { job_id } = (await response.json()) as { job_id: string };
    expect(job_id).toMatch(/^job_.+$/);
    const read = await call("GET", `/v2/jobs/${job_id}`);
    expect(read.status).toBe(200);
    const job = (await read.json()) as Record<"created_at" | "started_at" | "completed_at", string>;
    expect(job).toMatchObject({
      id: job_id,
      type: "replace_filter_attributes",
      corpus_keys: ["a"],
      state: "completed",
    });
    expect(job).not.toHaveProperty("created_by_username");
    for (const t of ["created_at", "started_at", "completed_at"] as const) {
      expect(job[t]).toMatch(ISO);
      expect(job[t] >= before).toBe(true);
    }
    expect(job.started_at >= job.created_at).toBe(true);
    expect(job.completed_at >= job.started_at).toBe(true);
    // The typed client: the same job, and the change it made.
    const { jobId } = await client.corpora.replaceFilterAttributes("b", [...ATTRS]);
    expect(await client.jobs.get(jobId)).toMatchObject({
      id: jobId,
      type: "replace_filter_attributes",
      corpusKeys: ["b"],
      state: "completed",
      startedAt: expect.stringMatching(ISO),
      completedAt: expect.stringMatching(ISO),
    });
    expect((await client.corpora.get("b")).filterAttributes.map((a) => a.name)).toEqual(["tier"]);
  });

  it("writes no job when the replacement fails", async () => {
    const { call, engine } = await setup();
    const bad = await call("POST", "/v2/corpora/a/replace_filter_attributes", {
      filter_attributes: [{ name: "x", level: "document", type: "date" }],
    });
    expect(bad.status).toBe(400);
    const missing = await call("POST", "/v2/corpora/zz/replace_filter_attributes", {
      filter_attributes: ATTRS,
    });
    expect(missing.status).toBe(404);
    expect(engine.db.prepare("SELECT count(*) AS n FROM jobs").get()).toEqual({ n: 0 });
  });

  it("lists newest first, pages, and filters by corpus, state and time", async () => {
    const { client } = await setup();
    const ids: string[] = [];
    for (const key of ["a", "b", "a"]) {
      ids.push((await client.corpora.replaceFilterAttributes(key, [...ATTRS])).jobId);
      await new Promise((r) => setTimeout(r, 5));
    }
    const newestFirst = [...ids].reverse();
    const first = await client.jobs.list({ limit: 2 });
    expect(first.items.map((j) => j.id)).toEqual(newestFirst.slice(0, 2));
    expect(first.hasNextPage()).toBe(true);
    const second = await first.getNextPage();
    expect(second?.items.map((j) => j.id)).toEqual(newestFirst.slice(2));
    expect(second?.hasNextPage()).toBe(false);
    const all: string[] = [];
    for await (const j of await client.jobs.list({ limit: 1 })) all.push(j.id);
    expect(all).toEqual(newestFirst);

    const ofB = await client.jobs.list({ corpus_key: ["b"] });
    expect(ofB.items.map((j) => j.id)).toEqual([ids[1]]);
    const ofAB = await client.jobs.list({ corpus_key: ["a", "b"] });
    expect(ofAB.items).toHaveLength(3);
    expect((await client.jobs.list({ state: ["completed"] })).items).toHaveLength(3);
    expect((await client.jobs.list({ state: ["failed", "queued"] })).items).toEqual([]);
    const created = (await client.jobs.get(ids[0] as string)).createdAt as string;
    const later = await client.jobs.list({ after: created });
    expect(later.items.map((j) => j.id)).toEqual(newestFirst.slice(0, 2));
    expect((await client.jobs.list({ after: "2999-01-01T00:00:00Z" })).items).toEqual([]);
    // An offset time is compared as the instant it names.
    const plusOne = await client.jobs.list({ after: "2000-01-01T01:00:00+01:00" });
    expect(plusOne.items).toHaveLength(3);
  });

  it("answers 400 naming the query field for bad list parameters", async () => {
    const { call } = await setup();
    for (const [query, field] of [
      ["limit=0", "query.limit"],
      ["limit=101", "query.limit"],
      ["state=done", "query.state.0"],
      ["after=yesterday", "query.after"],
      ["corpus_key=bad%20key", "query.corpus_key.0"],
      ["page_key=nope", "query.page_key"],
    ] as const) {
      const response = await call("GET", `/v2/jobs?${query}`);
      expect(response.status, query).toBe(400);
      const body = (await response.json()) as { field_errors: Record<string, string> };
      expect(Object.keys(body.field_errors), query).toContain(field);
    }
    // Repeated and comma-separated values both work.
    expect((await call("GET", "/v2/jobs?state=completed,failed&state=queued")).status).toBe(200);
  });

  it("answers 404 for a missing job, 401 without a key, and keeps scoped keys to their corpora", async () => {
    const { call, client, clientWith, makeKey } = await setup();
    const inA = (await client.corpora.replaceFilterAttributes("a", [...ATTRS])).jobId;
    const inB = (await client.corpora.replaceFilterAttributes("b", [...ATTRS])).jobId;

    const missing = await call("GET", "/v2/jobs/job_missing");
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({ id: "job_missing" });
    expect((await call("GET", "/v2/jobs/not-a-job")).status).toBe(404);
    await expect(client.jobs.get("job_missing")).rejects.toBeInstanceOf(NotFoundError);
    await expect(client.jobs.get("not-a-job")).rejects.toBeInstanceOf(InvalidRequestError);

    expect((await call("GET", "/v2/jobs", undefined, null)).status).toBe(401);
    expect((await call("GET", `/v2/jobs/${inA}`, undefined, "zqt_nope")).status).toBe(401);
    await expect(clientWith().jobs.list()).rejects.toBeInstanceOf(UnauthorizedError);

    const keyA = await makeKey(["a"]);
    const scoped = clientWith(keyA);
    expect((await scoped.jobs.list()).items.map((j) => j.id)).toEqual([inA]);
    expect((await scoped.jobs.list({ corpus_key: ["b"] })).items).toEqual([]);
    expect((await scoped.jobs.get(inA)).id).toBe(inA);
    expect((await call("GET", `/v2/jobs/${inB}`, undefined, keyA)).status).toBe(403);
    await expect(scoped.jobs.get(inB)).rejects.toBeInstanceOf(ForbiddenError);
    // A serving key may not start a job.
    const denied = await call(
      "POST",
      "/v2/corpora/a/replace_filter_attributes",
      {
        filter_attributes: ATTRS,
      },
      keyA,
    );
    expect(denied.status).toBe(403);
  });

  it("keeps at most MAX_JOBS jobs, dropping the oldest", async () => {
    const { engine, client } = await setup();
    const insert = engine.db.prepare(
      "INSERT INTO jobs (id, type, corpus_keys, state, created_at) VALUES (?, 'unknown', '[\"a\"]', 'completed', ?)",
    );
    engine.db.transaction(() => {
      for (let i = 0; i < MAX_JOBS; i++) {
        insert.run(
          `job_old${String(i).padStart(5, "0")}`,
          `2020-01-01T00:00:00.${String(i % 1000).padStart(3, "0")}Z`,
        );
      }
    })();
    const { jobId } = await client.corpora.replaceFilterAttributes("a", [...ATTRS]);
    expect(engine.db.prepare("SELECT count(*) AS n FROM jobs").get()).toEqual({ n: MAX_JOBS });
    expect((await client.jobs.get(jobId)).state).toBe("completed");
    expect(engine.db.prepare("SELECT id FROM jobs ORDER BY created_at, id LIMIT 1").get()).toEqual({
      id: "job_old01000",
    });
  });
});
