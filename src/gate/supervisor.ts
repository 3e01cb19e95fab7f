// The supervisor: watches the queue, records every worker's events, decides every pending call, answers it.
import fs from 'node:fs';
import path from 'node:path';
import { watch, type FSWatcher } from 'chokidar';
import type { Logger } from 'pino';
import type { StatePaths } from '../core/state.js';
import { readJsonFile, pidAlive, removeFile, writeFileAtomic } from '../core/fsx.js';
import { loadWorker, type WorkerRecord } from '../workers/registry.js';
import type { Decision, HookPayload } from '../policy/types.js';
import {
  AnswerSchema,
  FailClosedSchema,
  PendingSchema,
  approvalContext,
  SpooledEventSchema,
  classifyQueueFile,
  decisionLine,
  toHookDecision,
  type HookDecision,
  type Pending,
  type QueueEntry,
} from './protocol.js';
import { EventWriter, cutInput, eventFields } from './event-writer.js';
import { failClosed, type Decider } from './decider.js';
import { decidingCommandHead, redactSummary } from './summary.js';
import { redactRecord, redactText } from '../audit/index.js';
import { GrantStore, RevokeSchema, grantsFile, type Grant } from './grants.js';
import {
  NO_LOCKDOWN,
  isLockedDown,
  lockdownChanges,
  lockdownWhy,
  readLockdown,
  type LockdownState,
} from './lockdown.js';
import { watchFile, type Watch } from '../workers/file-watch.js';
import { outcomeFromTranscriptLine, type DialogOutcome, type OpenDialog } from './dialog.js';
import { TranscriptResults, toolResultsOf, type ToolResult } from './transcript-results.js';
import { SLOTS, releaseAfterExit, slotFifo, sweepSlots } from './slots.js';

/** Where decisions and gate events are recorded (the audit trail). */
export interface AuditSink {
  append(record: Record<string, unknown>): void;
}

/** A call waiting for a person. */
export interface OpenEscalation {
  callId: string;
  pending: Pending;
  worker: WorkerRecord;
  decision: Decision;
  openedAt: number;
  deadline: number;
  timer: NodeJS.Timeout;
}

export interface SupervisorOptions {
  state: StatePaths;
  decider: Decider;
  audit: AuditSink;
  logger: Logger;
  /** How often abandoned calls and expired grants are looked for (ms). */
  sweepMs?: number;
  now?: () => number;
  /** The grant store (default: <state>/grants.json with this supervisor's clock). */
  grants?: GrantStore;
  /** Told about every escalation to a person as it opens (notifiers); must not block or throw. */
  onEscalation?: (e: EscalationNotice) => void;
}

/** What notifiers are told about an escalation. */
export interface EscalationNotice {
  call: string;
  worker: string;
  worker_id: string;
  tool: string;
  input: Record<string, unknown>;
  summary: string;
  rule: string;
  reason: string;
  opened_at: string;
  deadline: string;
  /** Policy files of the worker's layers (notifier configuration is read from them). */
  policy: string[];
  /** human: `toolgate approve`; dialog: the worker's own confirmation dialog (someone must look at its screen). */
  to: 'human' | 'dialog';
}

/** How long an unanswered worker-screen dialog is followed before it is recorded as abandoned. */
const DIALOG_FOLLOW_MS = 24 * 3_600_000;

type DecidedBy = 'policy' | 'person' | 'timeout' | 'fail-closed' | 'lockdown';

/** Margin kept before the hook's own deadline, so the supervisor's answer always arrives first. */
const DEADLINE_MARGIN_MS = 5000;

/** Where a call's decision line goes: a pooled slot of its worker, or the FIFO the hook made for the call. */
interface Channel {
  fifo: string;
  slot?: { workerId: string; k: number; pid: number };
}

type Loaded =
  | { entry: Extract<QueueEntry, { kind: 'pending' }>; ts: number; pending?: Pending; error?: string }
  | {
      entry: Extract<QueueEntry, { kind: 'event' }>;
      ts: number;
      data: ReturnType<typeof SpooledEventSchema.parse>;
    }
  | {
      entry: Extract<QueueEntry, { kind: 'failclosed' }>;
      ts: number;
      data: ReturnType<typeof FailClosedSchema.parse>;
    };

export class Supervisor {
  private readonly s: StatePaths;
  private readonly events: EventWriter;
  private readonly now: () => number;
  private watcher: FSWatcher | undefined;
  private sweeper: NodeJS.Timeout | undefined;
  private drainScheduled = false;
  /** Call ids already handled, with when: forgotten by the sweep after a minute. */
  private readonly handled = new Map<string, number>();
  /** Worker records read in the last second (a record only changes at launch and stop). */
  private readonly workerCache = new Map<string, { rec: WorkerRecord | undefined; at: number }>();
  readonly escalations = new Map<string, OpenEscalation>();
  readonly grants: GrantStore;
  private lockdownWatch: Watch | undefined;
  private lockdownState: LockdownState = { ...NO_LOCKDOWN };
  /** Calls handed to the worker's own dialog, by `<worker_id>:<tool_use_id>`, until its answer is seen. */
  readonly dialogs = new Map<string, OpenDialog>();
  /** Transcript tails: tool results become post_tool_use events and dialog answers. */
  private readonly transcripts = new TranscriptResults((workerId, line) =>
    this.transcriptLine(workerId, line),
  );
  /** Allowed calls whose result has not appeared yet, by `<worker_id>:<tool_use_id>`. */
  private readonly awaitingResult = new Map<string, { tool: string; session: string; at: number }>();
  private fastWatch: fs.FSWatcher | undefined;
  private readonly channels = new Map<string, Channel>();
  decisions = 0;

  constructor(private readonly opts: SupervisorOptions) {
    this.s = opts.state;
    this.events = new EventWriter(opts.state.events);
    this.now = opts.now ?? Date.now;
    this.grants = opts.grants ?? new GrantStore(grantsFile(opts.state), this.now);
  }

  /** Problems an operator should see (shown by `toolgate pending` and `status`). */
  problems(): string[] {
    return [
      ...(this.grants.loadError ? [`grants: ${this.grants.loadError}`] : []),
      ...(this.lockdownState.error
        ? [`lockdown: ${this.lockdownState.error} (every worker is locked down)`]
        : []),
    ];
  }

  // Starts watching; resolves once every file already in the queue has been handled.
  async start(): Promise<void> {
    this.grants.load();
    if (this.grants.loadError)
      this.opts.logger.error(
        { problem: this.grants.loadError },
        'grants file unusable: no grant is in force',
      );
    this.checkLockdown();
    this.lockdownWatch = watchFile(this.s.lockdown, () => this.checkLockdown());
    this.watcher = watch([this.s.queue, this.s.answers], {
      ignoreInitial: false,
      depth: 0,
      awaitWriteFinish: false,
      atomic: false,
      ignored: (p: string) => path.basename(p).startsWith('.'),
    });
    // An answer written under a name just removed may be reported as a change, not an add: handle both.
    const onFile = (p: string) => {
      if (path.dirname(p) === this.s.answers) this.handleAnswerFile(p);
      else this.scheduleDrain();
    };
    this.watcher.on('add', onFile);
    this.watcher.on('change', onFile);
    this.watcher.on('error', (e: unknown) => this.opts.logger.error({ err: e }, 'watcher error'));
    await new Promise<void>((resolve) => this.watcher!.once('ready', () => resolve()));
    // chokidar finds every file (also those present at start) but stats each before reporting it; a raw fs.watch
    // wakes the drain as soon as a file lands. Draining is idempotent, so both may fire.
    try {
      this.fastWatch = fs.watch(this.s.queue, () => this.scheduleDrain());
      this.fastWatch.on('error', (err) =>
        this.opts.logger.warn({ err }, 'fast queue watch failed; chokidar remains'),
      );
    } catch (err) {
      this.opts.logger.warn({ err }, 'fast queue watch unavailable; chokidar remains');
    }
    this.drain();
    this.sweeper = setInterval(() => this.sweep(), this.opts.sweepMs ?? 2000);
    this.sweeper.unref();
  }

  async stop(): Promise<void> {
    if (this.sweeper) clearInterval(this.sweeper);
    for (const e of this.escalations.values()) clearTimeout(e.timer);
    this.fastWatch?.close();
    this.transcripts.close();
    this.lockdownWatch?.close();
    await this.watcher?.close();
  }

  private scheduleDrain(): void {
    if (this.drainScheduled) return;
    this.drainScheduled = true;
    setImmediate(() => {
      this.drainScheduled = false;
      this.drain();
    });
  }

  // Handles everything in the queue, oldest first (hook timestamps), so each worker's events stay in order.
  drain(): void {
    let names: string[];
    try {
      names = fs.readdirSync(this.s.queue);
    } catch (e) {
      this.opts.logger.error({ err: e }, 'cannot read queue');
      return;
    }
    const loaded: Loaded[] = [];
    for (const name of names) {
      let entry = classifyQueueFile(name);
      if (entry?.kind === 'ready') entry = this.publish(entry);
      else if (entry?.kind === 'event-ready') entry = this.publishEvent(entry);
      if (!entry) continue;
      if (entry.kind === 'pending' && (this.handled.has(entry.callId) || this.escalations.has(entry.callId)))
        continue;
      const item = this.load(entry);
      if (item) loaded.push(item);
    }
    loaded.sort((a, b) => a.ts - b.ts);
    for (const item of loaded) {
      try {
        if (item.entry.kind === 'pending')
          this.handlePending(item as Extract<Loaded, { entry: { kind: 'pending' } }>);
        else if (item.entry.kind === 'event')
          this.handleEvent(item as Extract<Loaded, { entry: { kind: 'event' } }>);
        else this.handleFailClosed(item as Extract<Loaded, { entry: { kind: 'failclosed' } }>);
      } catch (e) {
        this.opts.logger.error({ err: e, file: item.entry.file }, 'failed to handle queue file');
        // A pending call must still get an answer now, not at the hook's deadline.
        if (item.entry.kind === 'pending' && !this.escalations.has(item.entry.callId)) {
          try {
            this.finish(
              item.entry.callId,
              (item as Extract<Loaded, { entry: { kind: 'pending' } }>).pending,
              undefined,
              failClosed(
                'toolgate denied this tool call: handling it failed inside the gate (fail closed). Do not try to work around this; stop and report it.',
              ),
              Date.now(),
              'fail-closed',
            );
          } catch (err) {
            this.opts.logger.error({ err }, 'cannot deny a call after a failure');
          }
        }
      }
    }
  }

  private load(entry: QueueEntry): Loaded | undefined {
    if (entry.kind === 'ready' || entry.kind === 'event-ready') return undefined; // published first (drain)
    const file = path.join(this.s.queue, entry.file);
    let text: string;
    try {
      text = fs.readFileSync(file, 'utf8');
    } catch {
      return undefined; // already handled and removed
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    if (entry.kind === 'pending') {
      this.channels.set(entry.callId, this.channelOf(entry.callId, json, text));
      const parsed = PendingSchema.safeParse(json);
      if (!parsed.success)
        return { entry, ts: 0, error: 'the pending call file is not valid toolgate protocol' };
      return { entry, ts: parsed.data.ts_us, pending: parsed.data };
    }
    if (entry.kind === 'event') {
      const parsed = SpooledEventSchema.safeParse(json);
      if (!parsed.success) {
        this.opts.logger.warn({ file: entry.file }, 'dropping an invalid spooled event');
        fs.rmSync(file, { force: true });
        return undefined;
      }
      return { entry, ts: parsed.data.ts_us, data: parsed.data };
    }
    const parsed = FailClosedSchema.safeParse(json);
    if (!parsed.success) {
      fs.rmSync(file, { force: true });
      return undefined;
    }
    return { entry, ts: parsed.data.ts_us, data: parsed.data };
  }

  // Publishes a call the hook marked complete: its temp file becomes `<call id>.tool-pending` (a hard link, so a
  // pending file of the same call is never replaced), and the marker goes. Returns the pending entry to handle.
  private publish(ready: Extract<QueueEntry, { kind: 'ready' }>): QueueEntry | undefined {
    const temp = path.join(this.s.queue, ready.temp);
    const file = `${ready.callId}.tool-pending`;
    const target = path.join(this.s.queue, file);
    const [sessionId, toolUseId] = ready.callId.split('.') as [string, string];
    let published = true;
    try {
      fs.linkSync(temp, target);
    } catch (e) {
      published = false;
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'EEXIST' && !sameFile(temp, target)) {
        // Another call already pending under this id: refuse the newcomer on its own channel.
        const text = readText(temp);
        const ch = this.channelOf(ready.callId, parseJson(text), text ?? '');
        this.record({
          kind: 'call_rejected',
          call: ready.callId,
          ...this.callFields(PendingSchema.safeParse(parseJson(text)).data),
          reason: 'a call with this id is already pending',
        });
        writeLine(
          ch.fifo,
          decisionLine(
            ready.callId,
            'deny',
            'toolgate denied this tool call: a call with the same id is already pending (fail closed). Do not try to work around this; stop and report it.',
          ),
        );
        if (ch.slot) releaseAfterExit(this.s, ch.slot.workerId, ch.slot.k, ch.slot.pid);
      } else if (code !== 'EEXIST' && code !== 'ENOENT') {
        this.opts.logger.error({ err: e, file: ready.file }, 'cannot publish a pending call');
        return undefined; // left in place: the next drain or sweep tries again
      }
    }
    removeFile(temp);
    removeFile(path.join(this.s.queue, ready.file));
    if (!published && !fs.existsSync(target)) return undefined;
    return { kind: 'pending', file, callId: ready.callId, sessionId, toolUseId };
  }

  // An event the event hook marked complete: its temp file becomes `<us>-<pid>.event`, and the marker goes.
  private publishEvent(ready: Extract<QueueEntry, { kind: 'event-ready' }>): QueueEntry | undefined {
    try {
      fs.renameSync(path.join(this.s.queue, ready.temp), path.join(this.s.queue, ready.event));
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') {
        this.opts.logger.error({ err: e, file: ready.file }, 'cannot publish a spooled event');
        return undefined; // left in place: the next drain or sweep tries again
      }
    }
    removeFile(path.join(this.s.queue, ready.file));
    return fs.existsSync(path.join(this.s.queue, ready.event))
      ? { kind: 'event', file: ready.event }
      : undefined;
  }

  // The answer channel a pending file names, read leniently so that even an invalid call is answered at once.
  private channelOf(callId: string, json: unknown, text: string): Channel {
    const own = { fifo: path.join(this.s.queue, `${callId}.fifo`) };
    const o = (json && typeof json === 'object' ? json : {}) as Record<string, unknown>;
    let workerId = typeof o.worker_id === 'string' ? o.worker_id : undefined;
    let k = typeof o.slot === 'number' ? o.slot : undefined;
    let pid = typeof o.hook_pid === 'number' ? o.hook_pid : undefined;
    if (json === undefined) {
      // Unparseable (its payload was garbage): the hook's own prefix still names the slot.
      const m =
        /^\{"v":1,"worker_id":"([A-Za-z0-9-]{8,64})","worker":"[^"]*","hook_pid":(\d+),[^{]*?"slot":(\d+),/.exec(
          text.slice(0, 1024),
        );
      if (m) [workerId, pid, k] = [m[1], Number(m[2]), Number(m[3])];
    }
    if (
      workerId === undefined ||
      !/^[A-Za-z0-9-]{8,64}$/.test(workerId) ||
      k === undefined ||
      !Number.isInteger(k) ||
      k < 0 ||
      k >= SLOTS ||
      pid === undefined ||
      !Number.isInteger(pid) ||
      pid <= 0
    )
      return own;
    return { fifo: slotFifo(this.s, workerId, k), slot: { workerId, k, pid } };
  }

  private handleEvent(item: Extract<Loaded, { entry: { kind: 'event' } }>): void {
    const { data } = item;
    const payload = (data.payload && typeof data.payload === 'object' ? data.payload : {}) as Record<
      string,
      unknown
    >;
    if (this.worker(data.worker_id)) {
      this.events.append(data.worker_id, data.event, data.ts_us, eventFields(data.event, payload));
      if (this.dialogs.size) this.dialogEvent(data.worker_id, data.event, payload);
    } else {
      this.opts.logger.warn({ worker_id: data.worker_id, event: data.event }, 'event from an unknown worker');
    }
    fs.rmSync(path.join(this.s.queue, item.entry.file), { force: true });
  }

  private handleFailClosed(item: Extract<Loaded, { entry: { kind: 'failclosed' } }>): void {
    const { data } = item;
    this.record({
      kind: 'hook_fail_closed',
      worker: this.worker(data.worker_id)?.name,
      worker_id: data.worker_id,
      session: data.call ? data.call.split('.')[0] : undefined,
      call: data.call || undefined,
      reason: data.reason,
      decided_by: 'fail-closed',
      hook_ts: new Date(Math.floor(data.ts_us / 1000)).toISOString(),
    });
    fs.rmSync(path.join(this.s.queue, item.entry.file), { force: true });
  }

  private handlePending(item: Extract<Loaded, { entry: { kind: 'pending' } }>): void {
    const { entry, pending } = item;
    const started = this.now();
    this.handled.set(entry.callId, this.now());
    if (!pending) {
      this.finish(
        entry.callId,
        undefined,
        undefined,
        failClosed(`toolgate refused this call: ${item.error}.`),
        started,
        'fail-closed',
      );
      return;
    }
    const p = pending.payload;
    if (p.session_id !== entry.sessionId || p.tool_use_id !== entry.toolUseId) {
      this.opts.logger.warn({ call: entry.callId }, 'pending file name does not match its payload');
      this.finish(
        entry.callId,
        pending,
        undefined,
        failClosed('toolgate refused this call: its pending file does not match its payload.'),
        started,
        'fail-closed',
      );
      return;
    }
    let worker: WorkerRecord | undefined;
    try {
      worker = this.worker(pending.worker_id);
    } catch {
      worker = undefined;
    }
    if (!worker) {
      this.finish(
        entry.callId,
        pending,
        undefined,
        failClosed(
          'toolgate refused this call: this worker has no record in the state directory (it was pruned or never launched by toolgate).',
        ),
        started,
        'fail-closed',
      );
      return;
    }
    if (typeof p.transcript_path === 'string' && p.transcript_path)
      this.transcripts.follow(worker.worker_id, p.transcript_path);
    try {
      this.events.append(worker.worker_id, 'pre_tool_use', pending.ts_us, {
        session_id: p.session_id,
        tool: p.tool_name,
        tool_input: cutInput(p.tool_input),
        tool_use_id: p.tool_use_id,
        ...(p.agent_id ? { agent_id: p.agent_id } : {}),
      });
    } catch (err) {
      // Events are for the toolkit; the decision (and its audit record) must not wait on them.
      this.opts.logger.error({ err, worker: worker.name }, 'cannot record pre_tool_use');
    }
    const lockdown = this.lockdownReason(worker);
    let decision: Decision;
    try {
      decision = lockdown
        ? { ...failClosed(lockdown), rule: 'lockdown' }
        : this.opts.decider.decide(worker, p as HookPayload, started);
    } catch (err) {
      this.opts.logger.error({ err, call: entry.callId }, 'the decider failed');
      this.finish(
        entry.callId,
        pending,
        worker,
        failClosed(
          'toolgate denied this tool call: deciding it failed inside the gate (fail closed). Do not try to work around this; stop and report it.',
        ),
        started,
        'fail-closed',
      );
      return;
    }
    if (decision.verdict === 'escalate' && !decision.observe) {
      const grant = this.liveGrant(worker, p.tool_name, p.tool_input, decision);
      if (grant) {
        const d: Decision = {
          ...decision,
          verdict: 'allow',
          rule: `grant:${grant.id}`,
          reason: `allowed by grant ${grant.id} from ${grant.by} until ${grant.expires_at} (rule ${decision.rule} escalates it)`,
        };
        this.finish(entry.callId, pending, worker, d, started, 'person', grant.by, {
          grant_id: grant.id,
          granted_rule: decision.rule,
        });
        return;
      }
    }
    if (decision.verdict === 'escalate' && !decision.observe && decision.escalation?.to !== 'dialog') {
      this.openEscalation(entry.callId, pending, worker, decision, started);
      return;
    }
    const hook = this.finish(
      entry.callId,
      pending,
      worker,
      decision,
      started,
      lockdown ? 'lockdown' : 'policy',
    );
    if (hook === 'ask') this.openDialog(entry.callId, pending, worker, decision, started);
  }

  // A call handed to the worker's own dialog: record it, tell notifiers, follow its answer.
  private openDialog(
    callId: string,
    pending: Pending,
    worker: WorkerRecord,
    decision: Decision,
    started: number,
  ): void {
    const p = pending.payload;
    const d: OpenDialog = {
      callId,
      worker: worker.name,
      worker_id: worker.worker_id,
      session_id: p.session_id,
      tool_use_id: p.tool_use_id,
      tool: p.tool_name,
      rule: decision.rule,
      openedAt: started,
      ...(p.transcript_path ? { transcript: p.transcript_path } : {}),
    };
    this.dialogs.set(`${worker.worker_id}:${p.tool_use_id}`, d);
    if (d.transcript) this.transcripts.follow(worker.worker_id, d.transcript);
    this.record({
      kind: 'escalation_opened',
      call: callId,
      to: 'dialog',
      ...this.callFields(pending, worker),
      rule: decision.rule,
      reason: decision.reason,
    });
    this.notify(callId, pending, worker, decision, started, started + DIALOG_FOLLOW_MS, 'dialog');
  }

  // PostToolUse for a dialog's call means the person said yes; the session ending means nobody answered.
  private dialogEvent(workerId: string, event: string, payload: Record<string, unknown>): void {
    if (
      (event === 'post_tool_use' || event === 'post_tool_use_failure') &&
      typeof payload.tool_use_id === 'string'
    ) {
      const d = this.dialogs.get(`${workerId}:${payload.tool_use_id}`);
      if (d) this.closeDialog(d, { outcome: 'allow', signal: 'post_tool_use', detail: event });
    } else if (event === 'session_end') {
      this.transcripts.flush(workerId); // an answer written just before the end still counts
      for (const d of [...this.dialogs.values()])
        if (d.worker_id === workerId) this.closeDialog(d, undefined);
    }
  }

  // One new transcript line: a tool result closes the dialog it answers, and becomes the post_tool_use event of a
  // call that was allowed (here or in the dialog).
  private transcriptLine(workerId: string, line: string): void {
    for (const r of toolResultsOf(line)) {
      const key = `${workerId}:${r.toolUseId}`;
      const d = this.dialogs.get(key);
      if (d) {
        const hit = outcomeFromTranscriptLine(line, new Set([r.toolUseId]));
        this.closeDialog(d, hit?.outcome);
        if (hit?.outcome.outcome === 'allow') this.recordResult(workerId, d.session_id, d.tool, r);
        continue;
      }
      const waiting = this.awaitingResult.get(key);
      if (waiting) {
        this.awaitingResult.delete(key);
        this.recordResult(workerId, waiting.session, waiting.tool, r);
      }
    }
  }

  private recordResult(workerId: string, session: string, tool: string, r: ToolResult): void {
    try {
      this.events.append(workerId, 'post_tool_use', this.now() * 1000, {
        session_id: session,
        tool,
        tool_use_id: r.toolUseId,
        ok: !r.isError,
      });
    } catch (err) {
      this.opts.logger.error({ err }, 'cannot record post_tool_use');
    }
  }

  // Dialogs nobody answered within DIALOG_FOLLOW_MS are recorded as abandoned; stale result waits are dropped.
  expireWaits(): void {
    const cutoff = this.now() - DIALOG_FOLLOW_MS;
    for (const d of [...this.dialogs.values()]) if (d.openedAt < cutoff) this.closeDialog(d, undefined);
    for (const [k, v] of this.awaitingResult)
      if (v.at < this.now() - 3_600_000) this.awaitingResult.delete(k);
  }

  // Records the person's answer on the worker's screen (undefined: never seen, abandoned).
  private closeDialog(d: OpenDialog, o: DialogOutcome | undefined): void {
    this.dialogs.delete(`${d.worker_id}:${d.tool_use_id}`);
    this.record({
      kind: 'escalation_closed',
      call: d.callId,
      worker: d.worker,
      worker_id: d.worker_id,
      session: d.session_id,
      tool_use_id: d.tool_use_id,
      tool: d.tool,
      to: 'dialog',
      outcome: o ? o.outcome : 'abandoned',
      ...(o
        ? {
            // Claude Code itself (a headless worker's `ask`) is not a person: see dialog.ts.
            decided_by: o.decidedBy ?? 'person',
            ...(o.decidedBy === 'policy' ? {} : { by: 'worker screen' }),
            signal: o.signal,
            ...(o.detail ? { detail: o.detail } : {}),
          }
        : {}),
      waited_ms: Math.max(0, this.now() - d.openedAt),
    });
  }

  // The live grant covering this call, if any; a grant store that fails means none (fail closed). A grant lifts
  // only its rule: the decision's whole trace goes with the query (grantCovers).
  private liveGrant(
    worker: WorkerRecord,
    tool: string,
    input: Record<string, unknown>,
    decision: Decision,
  ): Grant | undefined {
    try {
      return this.grants.find({
        worker_id: worker.worker_id,
        rule: decision.rule,
        matches: decision.trace,
        tool,
        input,
      });
    } catch (err) {
      this.opts.logger.error({ err }, 'grant lookup failed; escalating');
      return undefined;
    }
  }

  // Read on every call, so a lockdown takes effect at once even if the watch is late. Unreadable = locked down.
  private lockdownReason(worker: WorkerRecord): string | undefined {
    const l = readLockdown(this.s.lockdown);
    if (!isLockedDown(l, worker.worker_id)) return undefined;
    const why = l.error ? `its lockdown file cannot be read: ${l.error}` : lockdownWhy(l, worker.worker_id);
    return `toolgate is in lockdown${why ? ` (${why})` : ''}: every tool call is refused until an operator lifts it. Stop and wait; do not try to work around this.`;
  }

  // Records every change of the lockdown file in the audit trail (only the supervisor writes the trail).
  checkLockdown(): void {
    const next = readLockdown(this.s.lockdown);
    const before = this.lockdownState;
    this.lockdownState = next;
    if (next.error && next.error !== before.error)
      this.opts.logger.error({ problem: next.error }, 'lockdown file unusable: every worker is locked down');
    for (const c of lockdownChanges(before, next)) {
      this.record({
        kind: 'lockdown',
        action: c.action,
        ...(c.worker ? { worker: c.worker, worker_id: c.worker_id } : {}),
        by: next.error ? 'supervisor' : (next.by ?? before.by ?? 'unknown'),
        ...(next.error ? { reason: next.error } : c.action === 'on' && c.reason ? { reason: c.reason } : {}),
      });
      this.opts.logger.warn({ action: c.action, worker: c.worker ?? 'all' }, 'lockdown changed');
    }
    // Calls already waiting for a person are denied at once too.
    for (const esc of [...this.escalations.values()]) {
      const why = this.lockdownReason(esc.worker);
      if (!why) continue;
      clearTimeout(esc.timer);
      this.escalations.delete(esc.callId);
      this.publishEscalations();
      this.record({
        kind: 'escalation_closed',
        call: esc.callId,
        ...this.callFields(esc.pending, esc.worker),
        outcome: 'deny',
        decided_by: 'lockdown',
        waited_ms: this.now() - esc.openedAt,
      });
      this.finish(
        esc.callId,
        esc.pending,
        esc.worker,
        { ...failClosed(why), rule: 'lockdown', trace: esc.decision.trace, revision: esc.decision.revision },
        esc.openedAt,
        'lockdown',
      );
    }
  }

  private openEscalation(
    callId: string,
    pending: Pending,
    worker: WorkerRecord,
    decision: Decision,
    started: number,
  ): void {
    const wanted = started + (decision.escalation?.timeoutSec ?? 600) * 1000;
    const hookLimit = Math.floor(pending.deadline_us / 1000) - DEADLINE_MARGIN_MS;
    const deadline = Math.min(wanted, hookLimit);
    const timer = setTimeout(() => this.expireEscalation(callId), Math.max(0, deadline - this.now()));
    this.escalations.set(callId, { callId, pending, worker, decision, openedAt: started, deadline, timer });
    this.publishEscalations();
    this.record({
      kind: 'escalation_opened',
      call: callId,
      to: 'human',
      ...this.callFields(pending, worker),
      rule: decision.rule,
      reason: decision.reason,
      deadline: new Date(deadline).toISOString(),
    });
    this.opts.logger.info(
      { call: callId, worker: worker.name, rule: decision.rule },
      'escalated to a person',
    );
    this.notify(callId, pending, worker, decision, started, deadline, 'human');
    // An answer may already be waiting (written while no supervisor ran).
    const answer = path.join(this.s.answers, `${callId}.answer`);
    if (fs.existsSync(answer)) this.handleAnswer(answer);
  }

  // Tells the notifiers (never blocks, never throws).
  private notify(
    callId: string,
    pending: Pending,
    worker: WorkerRecord,
    decision: Decision,
    started: number,
    deadline: number,
    to: 'human' | 'dialog',
  ): void {
    if (!this.opts.onEscalation) return;
    const p = pending.payload;
    try {
      const red = redactSummary(p.tool_name, p.tool_input);
      // Redacted like the audit trail: the reason quotes the command, secrets included.
      this.opts.onEscalation(
        redactRecord<EscalationNotice>({
          call: callId,
          worker: worker.name,
          worker_id: worker.worker_id,
          tool: p.tool_name,
          input: red.input,
          summary: oneLineSummary(p.tool_name, red.input),
          rule: decision.rule,
          reason: decision.reason,
          opened_at: new Date(started).toISOString(),
          deadline: new Date(deadline).toISOString(),
          policy: worker.policy,
          to,
        }),
      );
    } catch (err) {
      this.opts.logger.error({ err }, 'notifier failed to start');
    }
  }

  private expireEscalation(callId: string): void {
    const esc = this.escalations.get(callId);
    if (!esc) return;
    this.escalations.delete(callId);
    this.publishEscalations();
    const allow = esc.decision.escalation?.onTimeout === 'allow';
    const d: Decision = {
      ...esc.decision,
      verdict: allow ? 'allow' : 'deny',
      reason: allow
        ? esc.decision.reason
        : `toolgate denied this tool call: it needed a person's approval (${esc.decision.reason}) and none came in time. Do not retry it or look for a way around it; stop and report that it needs approval.`,
    };
    this.record({
      kind: 'escalation_closed',
      call: callId,
      ...this.callFields(esc.pending, esc.worker),
      outcome: 'timeout',
      decided_by: 'timeout',
      waited_ms: this.now() - esc.openedAt,
    });
    this.finish(callId, esc.pending, esc.worker, d, esc.openedAt, 'timeout');
  }

  // Applies a person's answer (from `toolgate approve`) to the escalation it names.
  handleAnswer(file: string): void {
    const json = readJsonFile(file);
    fs.rmSync(file, { force: true });
    const parsed = AnswerSchema.safeParse(json);
    if (!parsed.success) {
      this.rejectFile(file, 'answer');
      return;
    }
    const a = parsed.data;
    const esc = this.escalations.get(a.call);
    if (!esc || path.basename(file) !== `${a.call}.answer`) {
      this.opts.logger.warn({ call: a.call }, 'answer for no open escalation');
      this.record({
        kind: 'answer_rejected',
        call: a.call,
        by: a.by,
        reason: 'no open escalation for this call',
      });
      return;
    }
    clearTimeout(esc.timer);
    this.escalations.delete(a.call);
    this.publishEscalations();
    const locked = this.lockdownReason(esc.worker);
    if (locked) {
      this.record({
        kind: 'escalation_closed',
        call: a.call,
        ...this.callFields(esc.pending, esc.worker),
        outcome: 'deny',
        decided_by: 'lockdown',
        by: a.by,
        waited_ms: this.now() - esc.openedAt,
      });
      this.finish(
        a.call,
        esc.pending,
        esc.worker,
        {
          ...failClosed(locked),
          rule: 'lockdown',
          trace: esc.decision.trace,
          revision: esc.decision.revision,
        },
        esc.openedAt,
        'lockdown',
      );
      return;
    }
    const reason =
      a.decision === 'allow'
        ? (a.reason ?? 'approved by a person')
        : `toolgate denied this tool call: a person refused it${a.reason ? `: ${a.reason}` : '.'} Do not retry it or look for a way around it.`;
    this.record({
      kind: 'escalation_closed',
      call: a.call,
      ...this.callFields(esc.pending, esc.worker),
      outcome: a.decision,
      decided_by: 'person',
      by: a.by,
      waited_ms: this.now() - esc.openedAt,
    });
    let extra: Record<string, unknown> | undefined;
    if (a.decision === 'allow' && a.grant_minutes) {
      const g = this.createGrant(esc, a.grant_minutes, a.grant_scope ?? 'exact', a.by, a.reason);
      if (g) extra = { grant_id: g.id };
    }
    this.finish(
      a.call,
      esc.pending,
      esc.worker,
      { ...esc.decision, verdict: a.decision, reason },
      esc.openedAt,
      'person',
      a.by,
      extra,
      a.decision === 'allow' ? approvalContext(a.reason) : undefined, // an allow's reason never reaches the model
    );
  }

  // Saves and records a grant; one that cannot be saved or recorded is not kept (fail closed).
  private createGrant(
    esc: OpenEscalation,
    minutes: number,
    scope: 'exact' | 'rule',
    by: string,
    reason?: string,
  ): Grant | undefined {
    const p = esc.pending.payload;
    let g: Grant;
    try {
      g = this.grants.add({
        worker_id: esc.worker.worker_id,
        worker: esc.worker.name,
        rule: esc.decision.rule,
        scope,
        tool: p.tool_name,
        input: p.tool_input,
        minutes,
        by,
        ...(reason ? { reason } : {}),
        call: esc.callId,
      });
    } catch (err) {
      this.opts.logger.error({ err, call: esc.callId }, 'cannot save a grant; it is not kept');
      this.record({
        kind: 'answer_rejected',
        call: esc.callId,
        by,
        reason: 'the grant could not be saved, so none was made (the call itself was allowed)',
      });
      return undefined;
    }
    const ok = this.record({
      kind: 'grant',
      action: 'created',
      grant_id: g.id,
      worker: g.worker,
      worker_id: g.worker_id,
      by: g.by,
      scope: g.summary,
      grant_scope: g.scope,
      rule: g.rule,
      tool: g.tool,
      call: g.call,
      minutes,
      expires_at: g.expires_at,
      ...(reason ? { reason } : {}),
    });
    if (!ok) {
      this.revokeQuietly(g.id);
      return undefined;
    }
    this.opts.logger.info(
      { grant: g.id, scope: redactText(g.summary, true).text, until: g.expires_at },
      'grant created',
    );
    return g;
  }

  private revokeQuietly(id: string): void {
    try {
      this.grants.revoke(id);
    } catch (err) {
      this.opts.logger.error({ err, grant: id }, 'cannot save the grants file after dropping a grant');
    }
  }

  // Applies a revocation from `toolgate grants revoke`.
  handleRevoke(file: string): void {
    const json = readJsonFile(file);
    const parsed = RevokeSchema.safeParse(json);
    if (!parsed.success || path.basename(file) !== `${parsed.data.grant}.revoke`) {
      fs.rmSync(file, { force: true });
      this.rejectFile(file, 'revoke');
      return;
    }
    const r = parsed.data;
    let g: Grant | undefined;
    let saved = true;
    try {
      g = this.grants.revoke(r.grant);
    } catch (err) {
      saved = false;
      g = undefined;
      this.opts.logger.error(
        { err, grant: r.grant },
        'grant revoked in memory but the grants file could not be saved',
      );
    }
    if (!g && saved) {
      this.record({
        kind: 'answer_rejected',
        file: path.basename(file),
        by: r.by,
        reason: `no grant ${r.grant} is in force`,
      });
    } else {
      this.record({
        kind: 'grant',
        action: 'revoked',
        grant_id: r.grant,
        ...(g
          ? { worker: g.worker, worker_id: g.worker_id, scope: g.summary, expires_at: g.expires_at }
          : { scope: '(unknown)' }),
        by: r.by,
        ...(r.reason ? { reason: r.reason } : {}),
        ...(saved ? {} : { saved: false }),
      });
    }
    fs.rmSync(file, { force: true });
  }

  // Drops expired grants and records each expiry.
  expireGrants(): void {
    const { gone, saveError } = this.grants.expire();
    if (saveError)
      this.opts.logger.error(
        { err: saveError },
        'cannot save the grants file after expiring grants (they no longer apply)',
      );
    for (const g of gone) {
      this.record({
        kind: 'grant',
        action: 'expired',
        grant_id: g.id,
        worker: g.worker,
        worker_id: g.worker_id,
        by: g.by,
        scope: g.summary,
        expires_at: g.expires_at,
      });
    }
  }

  // Records the decision (audit first), then hands it to the hook through the call's FIFO, then cleans up.
  private finish(
    callId: string,
    pending: Pending | undefined,
    worker: WorkerRecord | undefined,
    decision: Decision,
    started: number,
    decidedBy: DecidedBy,
    person?: string,
    extra?: Record<string, unknown>,
    /** Text for the model on an allow (additionalContext; see hookOutput). */
    context?: string,
  ): HookDecision {
    let hook: HookDecision =
      decidedBy === 'policy' ? toHookDecision(decision) : decision.verdict === 'allow' ? 'allow' : 'deny';
    const p = pending?.payload;
    const summary = p ? redactSummary(p.tool_name, p.tool_input) : undefined;
    const recorded = this.record({
      kind: 'decision',
      decision_id: callId,
      call: callId,
      worker: worker?.name ?? pending?.worker,
      worker_id: worker?.worker_id ?? pending?.worker_id,
      session: p?.session_id,
      tool_use_id: p?.tool_use_id,
      tool: p?.tool_name,
      ...(summary ?? {}),
      verdict: decision.verdict,
      hook_decision: hook,
      observe: decision.observe,
      rule: decision.rule,
      rules: decision.trace.map((t) => t.rule),
      command_head: decidingCommandHead(decision),
      reason: decision.reason,
      revision: decision.revision,
      decided_by: decidedBy,
      ...(person ? { by: person } : {}),
      ...(extra ?? {}),
      latency_ms: Math.max(0, this.now() - (pending ? Math.floor(pending.ts_us / 1000) : started)),
    });
    let reason = decision.reason;
    if (!recorded && hook !== 'deny') {
      // A decision that cannot be recorded is not given: fail closed.
      hook = 'deny';
      reason =
        'toolgate denied this tool call: its decision could not be written to the audit trail (fail closed). Stop and report it.';
    }
    this.decisions++;
    const delivered = this.deliver(callId, hook, reason, hook === 'allow' ? context : undefined);
    if (!delivered) {
      this.record({
        kind: 'call_abandoned',
        call: callId,
        ...this.callFields(pending, worker),
        reason: 'the hook was gone when the decision was ready',
      });
    } else if (hook === 'allow' && worker && p) {
      this.awaitingResult.set(`${worker.worker_id}:${p.tool_use_id}`, {
        tool: p.tool_name,
        session: p.session_id,
        at: this.now(),
      });
    }
    this.cleanup(callId);
    return delivered ? hook : 'deny';
  }

  private deliver(callId: string, hook: HookDecision, reason: string, context?: string): boolean {
    const ch = this.channels.get(callId) ?? { fifo: path.join(this.s.queue, `${callId}.fifo`) };
    // A slot outlives its hook (the next call of the worker reuses it): write only while that hook lives.
    if (ch.slot && !pidAlive(ch.slot.pid)) return false;
    return writeLine(ch.fifo, decisionLine(callId, hook, reason, context));
  }

  private cleanup(callId: string): void {
    removeFile(path.join(this.s.queue, `${callId}.tool-pending`));
    const ch = this.channels.get(callId);
    this.channels.delete(callId);
    if (ch?.slot) releaseAfterExit(this.s, ch.slot.workerId, ch.slot.k, ch.slot.pid);
    else removeFile(path.join(this.s.queue, `${callId}.fifo`));
  }

  // Logs and records an answer or revoke file that was not valid (it is never applied).
  private rejectFile(file: string, what: 'answer' | 'revoke'): void {
    this.opts.logger.warn({ file }, `ignoring an invalid ${what} file`);
    this.record({
      kind: 'answer_rejected',
      file: path.basename(file),
      reason: `the ${what} file is not valid`,
    });
  }

  // Who and what a call is about, for every record of that call (so `audit --worker` finds each one).
  private callFields(pending: Pending | undefined, worker?: WorkerRecord): Record<string, unknown> {
    const p = pending?.payload;
    return {
      worker: worker?.name ?? pending?.worker,
      worker_id: worker?.worker_id ?? pending?.worker_id,
      session: p?.session_id,
      tool_use_id: p?.tool_use_id,
      tool: p?.tool_name,
    };
  }

  // Appends an audit record (the writer redacts secrets in every string of it); false (and logged) when it cannot
  // be written.
  private record(rec: Record<string, unknown>): boolean {
    try {
      this.opts.audit.append(rec);
      return true;
    } catch (err) {
      this.opts.logger.error({ err, kind: rec.kind }, 'cannot write the audit trail');
      return false;
    }
  }

  // Writes the open escalations where `toolgate pending` reads them.
  private publishEscalations(): void {
    const list = [...this.escalations.values()].map((e) => ({
      call: e.callId,
      worker: e.worker.name,
      worker_id: e.worker.worker_id,
      tool: e.pending.payload.tool_name,
      input: redactSummary(e.pending.payload.tool_name, e.pending.payload.tool_input).input,
      rule: e.decision.rule,
      reason: e.decision.reason,
      opened_at: new Date(e.openedAt).toISOString(),
      deadline: new Date(e.deadline).toISOString(),
    }));
    try {
      // Redacted like the audit trail (`pending` and `approve` show it): the reason quotes the command.
      writeFileAtomic(this.s.escalations, JSON.stringify(redactRecord(list)) + '\n');
    } catch (err) {
      this.opts.logger.error({ err }, 'cannot publish escalations');
    }
  }

  private handleAnswerFile(p: string): void {
    if (!fs.existsSync(p)) return;
    if (p.endsWith('.answer')) this.handleAnswer(p);
    else if (p.endsWith('.revoke')) this.handleRevoke(p);
  }

  // Answers no watcher event reported (a missed event must not leave an escalation waiting its whole timeout).
  private sweepAnswers(): void {
    let names: string[] = [];
    try {
      names = fs.readdirSync(this.s.answers);
    } catch {
      return;
    }
    for (const n of names) if (!n.startsWith('.')) this.handleAnswerFile(path.join(this.s.answers, n));
  }

  // Finds calls whose hook died (Esc in the TUI, a killed worker) and stale temp files; records and removes them.
  // A worker's record, cached for a second; a record that fails to load counts as missing (the call is denied).
  private worker(workerId: string): WorkerRecord | undefined {
    const hit = this.workerCache.get(workerId);
    if (hit && this.now() - hit.at < 1000) return hit.rec;
    let rec: WorkerRecord | undefined;
    try {
      rec = loadWorker(this.s, workerId);
    } catch {
      rec = undefined;
    }
    this.workerCache.set(workerId, { rec, at: this.now() });
    return rec;
  }

  sweep(): void {
    // Forget handled ids after a minute: a re-used id can only come from a new pending file after this one is gone.
    for (const [id, at] of this.handled) if (this.now() - at > 60_000) this.handled.delete(id);
    for (const [id, c] of this.workerCache) if (this.now() - c.at > 60_000) this.workerCache.delete(id);
    this.expireGrants();
    this.expireWaits();
    this.sweepAnswers();
    sweepSlots(this.s, this.now());
    let names: string[];
    try {
      names = fs.readdirSync(this.s.queue);
    } catch {
      return;
    }
    for (const name of names) {
      const entry = classifyQueueFile(name);
      const file = path.join(this.s.queue, name);
      if (entry?.kind === 'ready' || entry?.kind === 'event-ready') this.scheduleDrain(); // a marker no watcher reported
      if (entry?.kind === 'pending') {
        const pending = readJsonFile<Pending>(file);
        if (pending && typeof pending.hook_pid === 'number' && pidAlive(pending.hook_pid)) continue;
        if (!pending && !this.escalations.has(entry.callId)) continue; // unreadable: drain rejects it
        const esc = this.escalations.get(entry.callId);
        if (esc) {
          clearTimeout(esc.timer);
          this.escalations.delete(entry.callId);
          this.publishEscalations();
        }
        if (esc)
          this.record({
            kind: 'escalation_closed',
            call: entry.callId,
            ...this.callFields(esc.pending, esc.worker),
            outcome: 'abandoned',
            waited_ms: this.now() - esc.openedAt,
          });
        this.record({
          kind: 'call_abandoned',
          call: entry.callId,
          ...this.callFields(esc?.pending ?? pending ?? undefined, esc?.worker),
          reason: 'the hook ended before a decision (Esc, or the worker died)',
        });
        this.opts.logger.info({ call: entry.callId }, 'abandoned call cleaned up');
        this.cleanup(entry.callId);
      } else if (name.startsWith('.') && name.endsWith('.tmp')) {
        try {
          if (this.now() - fs.statSync(file).mtimeMs > 60_000) fs.rmSync(file, { force: true });
        } catch {
          /* gone */
        }
      }
    }
  }
}

// A one-line readable summary of a (redacted) tool input: the command, the path, or compact JSON.
export function oneLineSummary(tool: string, input: Record<string, unknown>, max = 160): string {
  const pick =
    tool === 'Bash'
      ? input.command
      : (input.file_path ?? input.notebook_path ?? input.url ?? input.pattern ?? input.prompt);
  const text = (typeof pick === 'string' ? pick : JSON.stringify(input)).replace(/\s+/g, ' ').trim();
  return text.length > max ? text.slice(0, max - 1) + '…' : text;
}

// Writes one line to a FIFO without blocking; false when nobody holds it open (or it is not a FIFO).
function writeLine(fifo: string, line: string): boolean {
  let fd: number;
  try {
    if (!fs.lstatSync(fifo).isFIFO()) return false;
    fd = fs.openSync(fifo, fs.constants.O_WRONLY | fs.constants.O_NONBLOCK);
  } catch {
    return false;
  }
  try {
    fs.writeSync(fd, line);
    return true;
  } catch {
    return false;
  } finally {
    fs.closeSync(fd);
  }
}

function sameFile(a: string, b: string): boolean {
  try {
    const [x, y] = [fs.statSync(a), fs.statSync(b)];
    return x.ino === y.ino && x.dev === y.dev;
  } catch {
    return false;
  }
}

function readText(file: string): string | undefined {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}

function parseJson(text: string | undefined): unknown {
  try {
    return text === undefined ? undefined : (JSON.parse(text) as unknown);
  } catch {
    return undefined;
  }
}
