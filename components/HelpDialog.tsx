"use client";
// The keyboard shortcuts' help, opened with "?" on the projector and the controls.
import Link from "next/link";
import { useEffect, useRef } from "react";
import { REASON_SHORTCUTS, SHORTCUTS, keyName } from "@/components/shortcuts";

/**
 * A modal dialog (native <dialog>): focus moves into it, stays there, and returns on close.
 * `moderation`: the controls, where A and H approve or hide the focused reason.
 */
export function HelpDialog({
  open,
  onClose,
  controlsHref,
  moderation = false,
}: {
  open: boolean;
  onClose: () => void;
  controlsHref?: string;
  moderation?: boolean;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  const closeRef = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (open && !dialog.open) {
      dialog.showModal();
      closeRef.current?.focus();
    } else if (!open && dialog.open) dialog.close();
  }, [open]);
  return (
    <dialog
      ref={ref}
      className="help"
      aria-labelledby="help-heading"
      // The close event of an Escape comes a moment later: if "?" opened the help again
      // meanwhile, that late event must not close it.
      onClose={() => {
        if (!ref.current?.open) onClose();
      }}
    >
      <h2 id="help-heading">Keyboard shortcuts</h2>
      <table>
        <tbody>
          {[...SHORTCUTS, ...(moderation ? REASON_SHORTCUTS : [])].map((s) => (
            <tr key={s.label}>
              <td>
                {s.keys
                  .filter((k) => k.length > 1 || k === k.toUpperCase() || k === " ")
                  .map((k) => (
                    <kbd key={k}>{keyName(k)}</kbd>
                  ))}
              </td>
              <td>{s.label}</td>
            </tr>
          ))}
          <tr>
            <td>
              <kbd>?</kbd>
            </td>
            <td>Show or hide this help</td>
          </tr>
        </tbody>
      </table>
      <ul className="help-notes">
        <li>
          While voting is open, <kbd>→</kbd> and <kbd>←</kbd> ask first: press again to close voting and move on.
        </li>
        <li>
          <kbd>R</kbd> while voting closes voting; press <kbd>R</kbd> again to reveal.
        </li>
        <li>
          <kbd>Space</kbd> on a closed round asks first: press it again to reopen that round for voting.
        </li>
        <li>Coming back to a scenario shows it as you left it: its rounds, what each audience was shown, its notes.</li>
      </ul>
      <p className="row">
        <button type="button" ref={closeRef} onClick={onClose}>
          Close
        </button>
        {controlsHref && (
          <Link className="button secondary" href={controlsHref} target="_blank">
            Open the controls
          </Link>
        )}
      </p>
    </dialog>
  );
}
