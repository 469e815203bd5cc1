// The envelopes every message travels in, whatever the transport: a request the UI sends, the
// reply the engine gives it (matched by id), and events the engine pushes unasked.
// Browser-safe: imported by the renderer.
import * as v from 'valibot';

export const Request = v.object({
  kind: v.literal('request'),
  id: v.pipe(v.number(), v.integer(), v.minValue(0)),
  command: v.pipe(v.string(), v.maxLength(100)),
  params: v.optional(v.unknown()),
});
export type RequestMessage = v.InferOutput<typeof Request>;

export type ErrorCode =
  /** The message or its params did not match the protocol; `message` says which field and why. */
  | 'bad-request'
  | 'unknown-command'
  /** The command was valid but could not be done; `message` says why in plain words. */
  | 'failed';

export type ReplyMessage =
  | { kind: 'reply'; id: number; ok: true; result: unknown }
  | { kind: 'reply'; id: number; ok: false; error: { code: ErrorCode; message: string } };

export interface EventMessage {
  kind: 'event';
  event: string;
  data: unknown;
}

export type Message = RequestMessage | ReplyMessage | EventMessage;

/** A failed command as the UI sees it: the engine's plain-words reason, and its code. */
export class ProtocolError extends Error {
  readonly code: ErrorCode | 'disconnected';
  constructor(code: ErrorCode | 'disconnected', message: string) {
    super(message);
    this.name = 'ProtocolError';
    this.code = code;
  }
}

/** valibot's issues as one line a person can act on: "params.limit: Invalid value: …". */
export function describeIssues(prefix: string, issues: readonly v.BaseIssue<unknown>[]): string {
  return issues
    .slice(0, 3)
    .map((issue) => {
      const path = v.getDotPath(issue);
      return `${path ? `${prefix}.${path}` : prefix}: ${issue.message}`;
    })
    .join('; ');
}
