import { gunzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { gzipWithNonce, splitAtNonce } from "./phone-page-cache.server";

describe("gzipWithNonce", () => {
  it("is the page with the new nonce in every place of the old one, for any gzip reader", () => {
    const old = "AAAAAAAAAAAAAAAAAAAAAA==";
    const html =
      `<script nonce="${old}">self.a=1</script>`.repeat(3) + "<p>" + "Your answer is anonymous. ".repeat(200) + `</p><script nonce="${old}"></script>`;
    const split = splitAtNonce(html, old);
    for (const nonce of ["q3Jk0lP9v7bXc1Zf8Ye2dA==", "/+/+/+/+/+/+/+/+/+/+/w=="]) {
      const body = gzipWithNonce(split, nonce);
      expect(gunzipSync(body).toString("utf8")).toBe(html.split(old).join(nonce));
      expect(body.length).toBeLessThan(html.length / 4);
    }
  });

  it("works when the nonce opens or closes the page or comes twice in a row", () => {
    const old = "BBBBBBBBBBBBBBBBBBBBBB==";
    const html = `${old}${old}<html>${old}</html>${old}`;
    expect(gunzipSync(gzipWithNonce(splitAtNonce(html, old), "ZZZZZZZZZZZZZZZZZZZZZZ==")).toString()).toBe(html.split(old).join("ZZZZZZZZZZZZZZZZZZZZZZ=="));
  });
});
