import { describe, expect, it } from "vitest";
import { contentSecurityPolicy, frameAncestorFor } from "./security-headers";

describe("who may frame a page", () => {
  it("is nobody, except the platform that opens the LTI registration page, by its configuration's origin", () => {
    const config = "https://moodle.example.ac.uk/mod/lti/openid-configuration.php";
    expect(frameAncestorFor("/lti/register/abc", config)).toBe("https://moodle.example.ac.uk");
    expect(frameAncestorFor("/dashboard", config)).toBeUndefined();
    expect(frameAncestorFor("/j/ABC234", config)).toBeUndefined();
    expect(frameAncestorFor("/lti/register/abc", null)).toBeUndefined();
    expect(frameAncestorFor("/lti/register/abc", "javascript:alert(1)")).toBeUndefined();
    expect(frameAncestorFor("/lti/register/abc", "https://evil.example'; script-src *")).toBeUndefined();

    const policy = (frameAncestor?: string) => contentSecurityPolicy({ nonce: "n", host: "weighin.example", dev: false, frameAncestor });
    expect(policy()).toContain("frame-ancestors 'none'");
    expect(policy("https://moodle.example.ac.uk")).toContain("frame-ancestors https://moodle.example.ac.uk;");
  });
});
