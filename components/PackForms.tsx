"use client";
// Small forms on the pack pages: duplicate, import a file, share.
import { useActionState } from "react";
import type { PackActionState } from "@/app/(tutor)/packs/actions";

type Action = (state: PackActionState, form: FormData) => Promise<PackActionState>;

function Problems({ state, id }: { state: PackActionState; id: string }) {
  if (!state.error) return null;
  return (
    <div id={id} role="alert" className="stack">
      <p className="error">{state.error}</p>
      {state.problems && state.problems.length > 0 && (
        <ul className="problems">
          {state.problems.map((p) => (
            <li key={p}>{p}</li>
          ))}
        </ul>
      )}
    </div>
  );
}

export function DuplicateButton({ action, field, title }: { action: Action; field: { name: string; value: string }; title: string }) {
  const [state, formAction, pending] = useActionState(action, {});
  return (
    <form action={formAction}>
      <input type="hidden" name={field.name} value={field.value} />
      <button type="submit" className="secondary" disabled={pending} aria-label={`Duplicate to edit: ${title}`}>
        Duplicate to edit
      </button>
      <Problems state={state} id={`duplicate-${field.value}-error`} />
    </form>
  );
}

export function ImportPackForm({ action }: { action: Action }) {
  const [state, formAction, pending] = useActionState(action, {});
  return (
    <form action={formAction} className="card stack" aria-labelledby="import-heading">
      <h2 id="import-heading">Import a pack file</h2>
      <p className="muted">
        A YAML file in the format of the installation&apos;s packs. A new slug makes a new pack; the slug of a pack you may
        edit saves the file as its next version.
      </p>
      <div>
        <label htmlFor="import-file">YAML file</label>
        <input
          id="import-file"
          name="file"
          type="file"
          accept=".yaml,.yml"
          required
          aria-describedby={state.error ? "import-error" : undefined}
        />
      </div>
      <Problems state={state} id="import-error" />
      <button type="submit" className="secondary" disabled={pending}>
        {pending ? "Importing…" : "Import"}
      </button>
    </form>
  );
}

export function SharePackForm({ action, packId }: { action: Action; packId: string }) {
  const [state, formAction, pending] = useActionState(action, {});
  return (
    <form action={formAction} className="stack" aria-labelledby="share-heading">
      <h3 id="share-heading">Share with a tutor</h3>
      <input type="hidden" name="packId" value={packId} />
      <div>
        <label htmlFor="share-email">Their e-mail address</label>
        <input id="share-email" name="email" type="email" required aria-describedby={state.error ? "share-error" : undefined} />
      </div>
      <fieldset>
        <legend>They may</legend>
        <label>
          <input type="radio" name="level" value="read" defaultChecked /> read, run and duplicate it
        </label>
        <label>
          <input type="radio" name="level" value="edit" /> also edit it
        </label>
      </fieldset>
      <Problems state={state} id="share-error" />
      <button type="submit" className="secondary" disabled={pending}>
        Share
      </button>
    </form>
  );
}

export function UnshareButton({ action, packId, tutorId, name }: { action: Action; packId: string; tutorId: string; name: string }) {
  const [state, formAction, pending] = useActionState(action, {});
  return (
    <form action={formAction} style={{ display: "inline" }}>
      <input type="hidden" name="packId" value={packId} />
      <input type="hidden" name="tutorId" value={tutorId} />
      <button type="submit" className="secondary small" disabled={pending} aria-label={`Stop sharing with ${name}`}>
        Stop sharing
      </button>
      <Problems state={state} id={`unshare-${tutorId}-error`} />
    </form>
  );
}
