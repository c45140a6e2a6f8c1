import * as v from 'valibot';
import { toEpochMs, isoUtc } from '../../core/normalize/time';

/** GitHub's ISO 8601 times (`2026-01-05T09:00:00Z`), normalized to ProdLens's ISO UTC with milliseconds. */
const Time = v.pipe(
  v.string(),
  v.check((s) => toEpochMs(s).ok, 'not an ISO 8601 time'),
  v.transform((s) => isoUtc((toEpochMs(s) as { ok: true; value: number }).value)),
);

/** `simple-user`, reduced to the login (null for deleted accounts, "ghost"). */
const User = v.nullable(v.object({ login: v.string() }));

/** An item of `GET /repos/{owner}/{repo}/pulls` (`pull-request-simple`): only what ProdLens stores. */
export const PullListItem = v.object({
  id: v.number(),
  number: v.pipe(v.number(), v.integer()),
  title: v.string(),
  user: User,
  state: v.picklist(['open', 'closed']),
  created_at: Time,
  updated_at: Time,
  closed_at: v.nullable(Time),
  merged_at: v.nullable(Time),
});
export type PullListItem = v.InferOutput<typeof PullListItem>;

/** `GET /repos/{owner}/{repo}/pulls/{pull_number}` (`pull-request`): adds the size of the change. */
export const PullDetail = v.object({
  ...PullListItem.entries,
  additions: v.pipe(v.number(), v.integer(), v.minValue(0)),
  deletions: v.pipe(v.number(), v.integer(), v.minValue(0)),
  changed_files: v.pipe(v.number(), v.integer(), v.minValue(0)),
});
export type PullDetail = v.InferOutput<typeof PullDetail>;

/** An item of `GET /repos/{owner}/{repo}/issues/{issue_number}/events` (`issue-event`). */
export const IssueEvent = v.object({
  id: v.number(),
  event: v.string(),
  actor: User,
  created_at: Time,
});
export type IssueEvent = v.InferOutput<typeof IssueEvent>;

const GitActor = v.nullable(v.object({ name: v.optional(v.string()), email: v.optional(v.string()), date: v.optional(Time) }));

/** An item of `GET /repos/{owner}/{repo}/commits` (`commit`). The message is not read. */
export const CommitItem = v.object({
  sha: v.pipe(v.string(), v.regex(/^[0-9a-f]{40}(?:[0-9a-f]{24})?$/)),
  commit: v.object({ author: GitActor, committer: GitActor }),
  author: v.nullable(v.looseObject({ login: v.optional(v.string()) })),
  parents: v.array(v.object({ sha: v.string() })),
});
export type CommitItem = v.InferOutput<typeof CommitItem>;

/** Validates one item; a failure carries a reason fit for a dead letter. */
export function parseItem<S extends v.GenericSchema>(
  schema: S,
  input: unknown,
  what: string,
): { ok: true; value: v.InferOutput<S> } | { ok: false; reason: string } {
  const r = v.safeParse(schema, input);
  if (r.success) return { ok: true, value: r.output };
  return { ok: false, reason: `${what}: ${v.summarize(r.issues).replace(/\n/g, '; ')}` };
}
