// The tutor's side of the live protocol, without a screen: join a seminar as the projector or
// the controls (again after every reconnect), send commands one at a time with their
// acknowledgement, answer a question ("press → again") with the second press, and keep the
// views, the projector's display and the live counts as they arrive. components/usePresenter.ts
// gives it to the projector and the controls; tests can drive the same client.
import { LiveClient, type LiveSocket } from "@/lib/live-client";
import type { Command } from "@/lib/seminar-flow";
import {
  CONFIRM_MS,
  notesKey,
  type DisplayState,
  type NotesPaging,
  type PresenterNotice,
  type RoundProgress,
  type SeminarView,
  type Tally,
} from "@/lib/realtime/protocol";

export type PresenterSocket = LiveSocket;
export type PresenterMode = "projector" | "controls";

/** What the controls ask of reasons (see presenter:reasons in docs/realtime.md). */
export type ModerationRequest =
  | { action: "approve"; ids: string[]; seen: number }
  | { action: "hide"; ids: string[] }
  | { action: "approve-all"; roundId: string; reasons: { id: string; revision: number }[] }
  | { action: "phones"; on: boolean };

export interface PresenterState {
  view: SeminarView | null;
  display: DisplayState;
  connected: boolean;
  /** What a command did besides the obvious, or a question answered by pressing again; "" when none. */
  notice: string;
  /** The private look (controls only): this screen's choice, off until the tutor turns it on. */
  look: boolean;
  /** The page of long discussion notes the projector shows; null until a projector reports one. */
  notes: NotesPaging | null;
}

export const initialPresenterState: PresenterState = {
  view: null,
  display: { blank: false, qr: false },
  connected: false,
  notice: "",
  look: false,
  notes: null,
};

/** Something refused: `from` says what (a refused command or display change is the tutor's to read). */
export type PresenterEvent =
  | { type: "refused"; error: string; from: "join" | "command" | "display" | "look" }
  | { type: "accepted"; command: Command };

export interface PresenterClientOptions {
  /** How long a command waits for its acknowledgement before it is given up as unanswered. */
  commandTimeoutMs?: number;
}

export const NO_ANSWER = "The server did not answer: check the connection and try again.";

export class PresenterClient extends LiveClient<PresenterState, PresenterEvent> {
  private commandTimeoutMs: number;
  /** The question the server asked, answered by pressing the same command again in time. */
  private asked: { command: Command; until: number } | null = null;
  private noticeTimer?: ReturnType<typeof setTimeout>;
  /** Commands go one at a time: "→ then Space" pressed quickly must open voting on the next
   * scenario, not race it (the server refuses a command based on a state that just changed). */
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    socket: PresenterSocket,
    readonly seminarId: string,
    readonly mode: PresenterMode,
    options: PresenterClientOptions = {},
  ) {
    super(socket, initialPresenterState);
    this.commandTimeoutMs = options.commandTimeoutMs ?? 8000;
    this.listen({
      connect: this.onConnect,
      disconnect: this.onDisconnect,
      "presenter:notice": this.onNotice,
      "seminar:view": this.onView,
      "projector:display": this.onDisplay,
      "projector:notes": this.onNotes,
      "round:progress": this.onProgress,
    });
  }

  /**
   * Sends a command after the ones before it are answered; resolves with whether it was done.
   * A question from the server (`confirm`) arrives on every tutor screen as a notice; the same
   * command sent again within CONFIRM_MS carries `confirm` and does what the question said.
   */
  command(command: Command): Promise<{ ok: true } | { ok: false; error: string; confirm?: true }> {
    const run = this.queue.then(() => this.send(command));
    this.queue = run;
    return run;
  }

  /** Blanks the projector or shows the join QR, or stops doing so. */
  toggleDisplay(key: keyof DisplayState): void {
    this.socket.emit("presenter:display", { seminarId: this.seminarId, [key]: !this.state.display[key] }, (reply) => {
      if (this.stopped) return;
      if (reply.ok) this.update({ display: reply.display });
      else this.emit({ type: "refused", error: reply.error, from: "display" });
    });
  }

  /** Turns the private look on or off for this screen (the server sends the split to it alone). */
  setLook(on: boolean): void {
    this.update({ look: on });
    this.socket.emit("presenter:look", { seminarId: this.seminarId, on }, (reply) => {
      if (this.stopped) return;
      if (reply.ok) this.takeView(reply.view);
      else this.emit({ type: "refused", error: reply.error, from: "look" });
    });
  }

  /** The projector tells the other tutor screens which page of its long notes it shows. */
  reportNotes(paging: Omit<NotesPaging, "seminarId">): void {
    const known = this.state.notes;
    if (known && known.key === paging.key && known.page === paging.page && known.pages === paging.pages) return;
    const notes = { seminarId: this.seminarId, ...paging };
    this.update({ notes });
    this.socket.emit("presenter:notes", notes, () => {});
  }

  /** Whether the projector's notes on screen have a page that way (→: 1, ←: −1). */
  canTurnNotes(step: 1 | -1): boolean {
    const { notes, view } = this.state;
    if (!notes || view?.phase !== "DISCUSSION" || notes.key !== notesKey(view)) return false;
    return notes.page + step >= 0 && notes.page + step < notes.pages;
  }

  /** Turns the projector's long notes a page, if they have one that way; says whether it did. */
  turnNotes(step: 1 | -1): boolean {
    if (!this.canTurnNotes(step)) return false;
    const notes = this.state.notes!;
    this.reportNotes({ key: notes.key, page: notes.page + step, pages: notes.pages });
    return true;
  }

  /** Moderates reasons (or lets phones see the approved ones); resolves with the refusal, or null. */
  moderate(request: ModerationRequest): Promise<string | null> {
    return new Promise((resolve) => {
      this.socket.timeout(this.commandTimeoutMs).emit("presenter:reasons", { seminarId: this.seminarId, ...request }, (timedOut, reply) => {
        if (timedOut) return resolve(NO_ANSWER);
        resolve(reply.ok ? null : reply.error);
      });
    });
  }

  stop(): void {
    super.stop();
    clearTimeout(this.noticeTimer);
  }

  private send(command: Command): Promise<{ ok: true } | { ok: false; error: string; confirm?: true }> {
    return new Promise((done) => {
      if (this.stopped) return done({ ok: false, error: "Stopped." });
      const asked = this.asked;
      const confirm = asked?.command === command && Date.now() < asked.until;
      this.asked = null;
      const payload = confirm ? { seminarId: this.seminarId, command, confirm: true } : { seminarId: this.seminarId, command };
      this.socket.timeout(this.commandTimeoutMs).emit("presenter:command", payload, (timedOut, reply) => {
        if (this.stopped) return done({ ok: false, error: "Stopped." });
        if (timedOut) {
          this.emit({ type: "refused", error: NO_ANSWER, from: "command" });
          return done({ ok: false, error: NO_ANSWER });
        }
        if (reply.ok) {
          if (!reply.notice) this.setNotice("");
          this.emit({ type: "accepted", command });
          return done({ ok: true });
        }
        // A question is not a refusal: it arrives on every tutor screen as a notice.
        if (!reply.confirm) this.emit({ type: "refused", error: reply.error, from: "command" });
        done({ ok: false, error: reply.error, ...(reply.confirm ? { confirm: true as const } : {}) });
      });
    });
  }

  private onConnect = () => {
    this.update({ connected: true });
    this.join();
  };

  /** Joins the seminar's screens; a refusal the server calls temporary is retried after a pause. */
  private join(): void {
    this.socket.emit("presenter:join", { seminarId: this.seminarId, view: this.mode }, (reply) => {
      if (this.stopped) return;
      if (!reply.ok && reply.retry) {
        setTimeout(() => {
          if (!this.stopped && this.socket.connected) this.join();
        }, Math.max(reply.retryAfterMs ?? 0, 1000));
      }
      if (!reply.ok) return this.emit({ type: "refused", error: reply.error, from: "join" });
      this.update({ display: reply.display });
      this.takeView(reply.view);
      this.takeJoinedNotes(reply.notes ?? null);
      // A new connection starts without the look: ask for it again if this screen had it on.
      if (this.state.look) this.setLook(true);
    });
  }

  /**
   * The notes page the server knows as this screen (re)joins. None: the seminar's last projector
   * left (this one, if its connection dropped) or the server restarted. A projector then tells it
   * again the page it still shows; the controls have no page to turn until a projector says one.
   */
  private takeJoinedNotes(known: NotesPaging | null): void {
    const own = this.state.notes;
    if (known) this.update({ notes: known });
    else if (own && this.mode === "projector") this.socket.emit("presenter:notes", own, () => {});
    else if (own) this.update({ notes: null });
  }

  private onDisconnect = () => this.update({ connected: false });

  private onNotice = (notice: PresenterNotice) => {
    if (notice.seminarId !== this.seminarId) return;
    this.asked = notice.confirm ? { command: notice.confirm, until: Date.now() + CONFIRM_MS } : null;
    this.setNotice(notice.message);
  };

  private onView = (view: SeminarView) => this.takeView(view);

  /** The newer of this view and the one shown (a command's announcement can overtake a join's reply). */
  private takeView(view: SeminarView): void {
    const newest = this.newest(view);
    if (newest !== this.state.view) this.update({ view: newest });
  }

  private onDisplay = (display: DisplayState) => this.update({ display });

  private onNotes = (paging: NotesPaging) => {
    if (paging.seminarId === this.seminarId) this.update({ notes: paging });
  };

  private onProgress = (p: RoundProgress) => {
    const view = this.state.view;
    if (!view) return;
    this.update({
      view: view.roundId === p.roundId ? withLiveTally({ ...view, answered: p.answered, connected: p.connected }, p.tally) : { ...view, connected: p.connected },
    });
  };

  /** A notice stays as long as its question may be answered, then goes. */
  private setNotice(notice: string): void {
    clearTimeout(this.noticeTimer);
    if (notice) this.noticeTimer = setTimeout(() => this.update({ notice: "" }), CONFIRM_MS);
    if (notice !== this.state.notice) this.update({ notice });
  }
}

/** A live count update also moves the private look's bar of the round being voted on. */
function withLiveTally(view: SeminarView, tally: Tally | undefined): SeminarView {
  const look = view.controls?.look;
  if (!tally || !look) return view;
  return {
    ...view,
    controls: { ...view.controls!, look: look.map((r) => (r.number === view.roundNumber ? { ...r, tally } : r)) },
  };
}
