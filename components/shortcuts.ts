"use client";
// The tutor's keyboard shortcuts, the same on the projector and the controls, and "?" for their
// help (components/HelpDialog.tsx lists them).
import { useEffect, useState } from "react";
import type { Command } from "@/lib/seminar-flow";
import type { DisplayState } from "@/lib/realtime/protocol";

export const SHORTCUTS: { keys: string[]; label: string; command?: Command; display?: keyof DisplayState }[] = [
  { keys: [" "], label: "Open or close voting", command: "toggleVoting" },
  { keys: ["r", "R"], label: "Reveal the results", command: "reveal" },
  { keys: ["d", "D"], label: "Show or hide the discussion notes", command: "toggleNotes" },
  { keys: ["2"], label: "Start round 2 (vote again)", command: "round2" },
  { keys: ["ArrowRight", "n", "N"], label: "Next scenario (long notes: their next page first)", command: "next" },
  { keys: ["ArrowLeft", "p", "P"], label: "Previous scenario (long notes: their previous page first)", command: "previous" },
  { keys: ["u", "U"], label: "Undo the last command (for a few seconds)", command: "undo" },
  { keys: ["b", "B"], label: "Blank the projector", display: "blank" },
  { keys: ["q", "Q"], label: "Show the join QR code", display: "qr" },
];

/** On the controls, with a reason focused (components/ReasonModeration.tsx). */
export const REASON_SHORTCUTS: { keys: string[]; label: string; action: "approve" | "hide" }[] = [
  { keys: ["a", "A"], label: "Approve the focused reason (controls)", action: "approve" },
  { keys: ["h", "H"], label: "Hide the focused reason (controls)", action: "hide" },
];

export const keyName = (k: string) => (k === " " ? "Space" : k === "ArrowRight" ? "→" : k === "ArrowLeft" ? "←" : k);

interface Handlers {
  command(c: Command): void;
  toggleDisplay(key: keyof DisplayState): void;
}

/** Listens for the shortcuts on the whole window; returns whether the help is open, and its setter. */
export function useShortcuts({ command, toggleDisplay }: Handlers) {
  const [help, setHelp] = useState(false);
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.ctrlKey || event.metaKey || event.altKey) return;
      const target = event.target as HTMLElement | null;
      if (target && (/^(INPUT|SELECT|TEXTAREA)$/.test(target.tagName) || target.isContentEditable)) return;
      // Space and Enter on a focused button press it, and Enter follows a focused link: not shortcuts.
      if (target && /^(BUTTON|SUMMARY)$/.test(target.tagName) && (event.key === " " || event.key === "Enter")) return;
      if (target?.tagName === "A" && event.key === "Enter") return;
      if (event.key === "?") {
        event.preventDefault();
        return setHelp((h) => !h);
      }
      // While the help is open, keys belong to it (Escape closes it; noted here at once, as the
      // dialog's own close event comes later and a quick "?" would otherwise toggle the old state).
      if (help) {
        if (event.key === "Escape") setHelp(false);
        return;
      }
      const shortcut = SHORTCUTS.find((s) => s.keys.includes(event.key));
      if (!shortcut) return;
      event.preventDefault();
      // A key held down repeats: one press is one command. A repeat must not answer the question
      // its first press asked ("press → again to close voting"), nor run through the scenarios.
      if (event.repeat) return;
      if (shortcut.command) command(shortcut.command);
      else if (shortcut.display) toggleDisplay(shortcut.display);
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [command, toggleDisplay, help]);
  return [help, setHelp] as const;
}
