// What the domain tells the rest of the process after a change has committed. Domain modules
// emit here and know nothing of who listens; the realtime layer (lib/realtime/) subscribes and
// decides which screen gets what. Listeners run synchronously and must not throw into the
// domain: a failing listener is logged, the change it reports stands.
import type { DisplayState, SeminarSnapshot } from "@/lib/seminar-view";
import { singleton } from "@/lib/singleton";

export interface DomainEvents {
  /** A seminar's state changed (a command ran): its new snapshot, read after the commit. */
  seminarChanged: { seminarId: string; snapshot: SeminarSnapshot };
  /** Votes of this seminar were stored (the live count changed); `roundId` when known. */
  responsesStored: { seminarId: string; roundId?: string; /** A reason was given or changed: the controls' list changed. */ reasons?: boolean };
  /** The projector was blanked or unblanked, or its join QR shown or hidden. */
  displayChanged: { seminarId: string; display: DisplayState };
  /** Every session of this tutor ended (sign-out, new password, disabled). */
  tutorSessionsEnded: { tutorId: string };
}

type Listener<K extends keyof DomainEvents> = (event: DomainEvents[K]) => void;

const listeners = singleton("events", () => new Map<keyof DomainEvents, Set<Listener<never>>>());

export function emit<K extends keyof DomainEvents>(name: K, event: DomainEvents[K]): void {
  for (const listener of listeners.get(name) ?? []) {
    try {
      (listener as Listener<K>)(event);
    } catch (error) {
      console.error(`${name} listener failed:`, error);
    }
  }
}

/** Subscribes to one kind of event; returns the unsubscribe. */
export function subscribe<K extends keyof DomainEvents>(name: K, listener: Listener<K>): () => void {
  let set = listeners.get(name);
  if (!set) listeners.set(name, (set = new Set()));
  set.add(listener as Listener<never>);
  return () => set.delete(listener as Listener<never>);
}
