"use client";
// Students type the code from the projector; case, spaces and dashes do not matter.
import { useRouter } from "next/navigation";
import { useState } from "react";
import { isJoinCode, JOIN_CODE_LENGTH, normalizeJoinCode } from "@/lib/join-code";

export function JoinForm({ initialCode = "", initialError }: { initialCode?: string; initialError?: string }) {
  const router = useRouter();
  const [code, setCode] = useState(initialCode);
  const [error, setError] = useState(initialError ?? "");

  return (
    <form
      className="stack"
      action="/join"
      noValidate
      onSubmit={(event) => {
        event.preventDefault();
        if (!isJoinCode(code)) {
          setError(`A join code has ${JOIN_CODE_LENGTH} letters and digits, as shown on the screen.`);
          return;
        }
        router.push(`/j/${normalizeJoinCode(code)}`);
      }}
    >
      <label htmlFor="join-code">Join code</label>
      <input
        id="join-code"
        name="code"
        className="code-input"
        autoComplete="off"
        autoCapitalize="characters"
        spellCheck={false}
        inputMode="text"
        maxLength={12}
        value={code}
        aria-describedby={error ? "join-error" : undefined}
        aria-invalid={error ? true : undefined}
        onChange={(e) => {
          setCode(e.target.value);
          setError("");
        }}
      />
      {error && (
        <p id="join-error" className="error" role="alert">
          {error}
        </p>
      )}
      <button type="submit" style={{ width: "100%" }}>
        Join
      </button>
    </form>
  );
}
