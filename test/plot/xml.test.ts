/**
 * The test parser itself must reject what is not well-formed, or the well-formedness checks of
 * the plot tests could not fail.
 */
import { describe, expect, test } from "vitest";
import { parseXml } from "./xml.js";

describe("parseXml", () => {
  test("reads elements, attributes, text and entities", () => {
    const n = parseXml(`<svg a="1 &amp; 2"><text x='3'>a &lt; b &#233;&#x41;</text><g/></svg>\n`);
    expect(n.tag).toBe("svg");
    expect(n.attrs.a).toBe("1 & 2");
    expect(n.children.map((c) => c.tag)).toEqual(["text", "g"]);
    expect(n.children[0]?.text).toBe("a < b éA");
  });
  test.each([
    ["<a><b></a></b>", "closes"],
    ["<a>", "unclosed"],
    ["<a>x < y</a>", "name"],
    ["<a>x & y</a>", "raw '&'"],
    ["<a>&nbsp;</a>", "unknown entity"],
    ['<a x="<"/>', "raw '<'"],
    ['<a x="1" x="2"/>', "duplicate"],
    ['<a x="1"y="2"/>', "whitespace"],
    ["<a/><b/>", "after the root"],
    ["<a>\u0001</a>", "forbids"],
    ["<a x=1/>", "quoted"],
  ])("rejects %s", (src, why) => {
    expect(() => parseXml(src)).toThrow(why);
  });
});
