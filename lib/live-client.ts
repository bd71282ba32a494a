// What the phone's and the tutor's protocol clients (lib/phone-client.ts, lib/presenter-client.ts)
// share, without a screen: the typed socket and how it reconnects, the socket events a client
// listens to (left again when it stops), its state given to subscribers after every change, and
// the rule that a seminar's view never goes back to an older one. Small on purpose: the phone
// page loads it, and nothing of the tutor's client comes with it.
import type { Socket } from "socket.io-client";
import type { ClientToServerEvents, SeminarView, ServerToClientEvents } from "@/lib/realtime/protocol";
import { supersedes } from "@/lib/view-version";

export type LiveSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

/**
 * How a socket comes back after the connection drops (socket.io-client's reconnection options;
 * the phone page, the tutor's screens and the benchmark's phones use the same): first after
 * 250 ms, then doubling up to 1 s, each delay jittered by ±50 % so that a hall of phones does not
 * come back in step. A restarted server is reached within about a second of being ready; the
 * clients join again on every connect.
 */
export const RECONNECT = { reconnectionDelay: 250, reconnectionDelayMax: 1000, randomizationFactor: 0.5 } as const;

type Handlers = { [E in keyof ServerToClientEvents]?: ServerToClientEvents[E] } & {
  connect?: () => void;
  disconnect?: () => void;
};

export abstract class LiveClient<State extends { view: SeminarView | null }, Event> {
  private listeners = new Set<(state: State, event?: Event) => void>();
  private handlers: [string, (...args: never[]) => void][] = [];
  protected stopped = false;

  constructor(
    readonly socket: LiveSocket,
    public state: State,
  ) {}

  /** Called with the new state after every change, and with what happened when it matters. */
  subscribe(listener: (state: State, event?: Event) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Stops listening: no more changes, and replies still on their way are ignored. */
  stop(): void {
    this.stopped = true;
    const socket = this.socket as unknown as { off(event: string, handler: (...args: never[]) => void): void };
    for (const [event, handler] of this.handlers) socket.off(event, handler);
    this.handlers = [];
  }

  /**
   * Listens to these socket events until stop(), and treats a socket already connected as just
   * connected. Called at the end of a subclass's constructor, once its handlers exist.
   */
  protected listen(handlers: Handlers): void {
    const socket = this.socket as unknown as { on(event: string, handler: (...args: never[]) => void): void };
    for (const [event, handler] of Object.entries(handlers) as [string, (...args: never[]) => void][]) {
      socket.on(event, handler);
      this.handlers.push([event, handler]);
    }
    if (this.socket.connected) handlers.connect?.();
  }

  /**
   * The newer of this view and the one held: a join's reply is read before it is sent, so an
   * announcement of a later change can overtake it, and the seminar never goes back a step.
   */
  protected newest(view: SeminarView): SeminarView {
    return supersedes(view, this.state.view) ? view : this.state.view!;
  }

  protected update(patch: Partial<State>): void {
    this.state = { ...this.state, ...patch };
    for (const listener of this.listeners) listener(this.state);
  }

  protected emit(event: Event): void {
    for (const listener of this.listeners) listener(this.state, event);
  }
}
