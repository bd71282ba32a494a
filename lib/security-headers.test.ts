import { describe, expect, it } from "vitest";
import { contentSecurityPolicy, isLaunchPath, platformOriginFor } from "./security-headers";

describe("who may frame a page and receive its forms", () => {
  it("is nobody, except the platform that opens an LTI registration or deep linking page", () => {
    const config = new URLSearchParams({ openid_configuration: "https://moodle.example.ac.uk/mod/lti/openid-configuration.php" });
    expect(platformOriginFor("/lti/register/abc", config)).toBe("https://moodle.example.ac.uk");
    expect(platformOriginFor("/lti/deep-link", new URLSearchParams({ platform: "https://canvas.example.edu" }))).toBe("https://canvas.example.edu");
    expect(platformOriginFor("/dashboard", config)).toBeUndefined();
    expect(platformOriginFor("/j/ABC234", new URLSearchParams({ platform: "https://canvas.example.edu" }))).toBeUndefined();
    expect(platformOriginFor("/lti/register/abc", new URLSearchParams())).toBeUndefined();
    expect(platformOriginFor("/lti/register/abc", new URLSearchParams({ openid_configuration: "javascript:alert(1)" }))).toBeUndefined();
    expect(platformOriginFor("/lti/deep-link", new URLSearchParams({ platform: "https://evil.example'; script-src *" }))).toBeUndefined();

    const policy = (platformOrigin?: string) => contentSecurityPolicy({ nonce: "n", host: "weighin.example", dev: false, platformOrigin });
    expect(policy()).toContain("frame-ancestors 'none'");
    expect(policy()).toContain("form-action 'self';");
    expect(policy("https://moodle.example.ac.uk")).toContain("frame-ancestors https://moodle.example.ac.uk;");
    expect(policy("https://moodle.example.ac.uk")).toContain("form-action 'self' https://moodle.example.ac.uk;");
  });
});

describe("who may frame the pages of a launch", () => {
  it("is the registered platforms, on the launch's pages only", () => {
    for (const path of ["/api/lti/login", "/api/lti/launch", "/api/lti/continue", "/lti/phone", "/lti/refused", "/lti/no-seminar", "/j/ABC234"]) {
      expect(isLaunchPath(path), path).toBe(true);
    }
    for (const path of ["/", "/dashboard", "/join", "/j/ABC234/extra", "/seminars/x/present", "/cohorts/x", "/admin/lti", "/api/lti/jwks"]) {
      expect(isLaunchPath(path), path).toBe(false);
    }
    const policy = (launchFrameOrigins?: string[]) => contentSecurityPolicy({ nonce: "n", host: "weighin.example", dev: false, launchFrameOrigins });
    expect(policy(["https://moodle.example.ac.uk", "https://canvas.example.edu"])).toContain(
      "frame-ancestors https://moodle.example.ac.uk https://canvas.example.edu;",
    );
    // Forms still go to Weigh In only.
    expect(policy(["https://moodle.example.ac.uk"])).toContain("form-action 'self';");
    expect(policy([])).toContain("frame-ancestors 'none'");
    // Anything that is not a plain origin is left out.
    expect(policy(["https://evil.example; script-src *", "https://ok.example/path"])).toContain("frame-ancestors 'none'");
  });
});
