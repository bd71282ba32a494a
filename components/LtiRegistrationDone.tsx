"use client";
// After Dynamic Registration: tells the platform's registration dialog that Weigh In is done
// (the LTI message `org.imsglobal.lti.close`), so the platform closes it and shows the new tool.
import { useEffect } from "react";

function close() {
  const target = window.opener ?? (window.parent !== window ? window.parent : null);
  target?.postMessage({ subject: "org.imsglobal.lti.close" }, "*");
}

export function LtiRegistrationDone() {
  useEffect(close, []);
  return (
    <button type="button" onClick={close}>
      Close
    </button>
  );
}
