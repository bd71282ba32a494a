"use client";
// What a screen reader hears: the text describing the current view, spoken when it changes.
import { useEffect, useRef, useState } from "react";

export function useAnnouncement<V>(view: V | null, describe: (view: V) => string) {
  const [announcement, setAnnouncement] = useState("");
  const heard = useRef("");
  useEffect(() => {
    if (!view) return;
    const text = describe(view);
    if (text !== heard.current) {
      heard.current = text;
      setAnnouncement(text);
    }
  }, [view, describe]);
  return [announcement, setAnnouncement] as const;
}
