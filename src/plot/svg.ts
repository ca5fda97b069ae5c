/**
 * Writing SVG as text: XML escaping, compact numbers, elements, the document, and a width
 * estimate for labels (there is no font engine here, so layout uses an average glyph width).
 *
 * @module
 */

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/** Attribute values; `undefined` leaves the attribute out. @category model */
export type Attrs = Readonly<Record<string, string | number | undefined>>;

/** The font every plot uses. @example FONT // "Helvetica, Arial, sans-serif" @category model */
export const FONT = "Helvetica, Arial, sans-serif";

// -------------------------------------------------------------------------------------
// operations
// -------------------------------------------------------------------------------------

/**
 * `s` with `& < > " '` replaced by entities, and characters XML 1.0 forbids (control
 * characters other than tab, newline and carriage return, lone surrogates) removed.
 *
 * @example escapeXml(`a < b & "c"`) // "a &lt; b &amp; &quot;c&quot;"
 * @category operations
 */
export const escapeXml = (s: string): string =>
  s
    // biome-ignore lint/suspicious/noControlCharactersInRegex: removing the characters XML forbids
    .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, "")
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&apos;");

/**
 * A coordinate with at most two decimals and no trailing zeros (`-0` prints as `0`).
 *
 * @example fmt(12.3456) // "12.35"
 * @category operations
 */
export const fmt = (v: number): string => {
  const r = Math.round(v * 100) / 100;
  return String(r === 0 ? 0 : r);
};

/**
 * An element: `<tag a="v"/>`, or `<tag a="v">children</tag>` when `children` is given (already
 * SVG text; escape user text with {@link escapeXml} or use {@link text}).
 *
 * @example el("rect", { x: 1, width: 2.5 }) // "<rect x=\"1\" width=\"2.5\"/>"
 * @category operations
 */
export const el = (tag: string, attrs: Attrs, children?: string): string => {
  let a = "";
  for (const [k, v] of Object.entries(attrs)) if (v !== undefined) a += ` ${k}="${typeof v === "number" ? fmt(v) : escapeXml(v)}"`;
  return children === undefined ? `<${tag}${a}/>` : `<${tag}${a}>${children}</${tag}>`;
};

/** A `<text>` element holding `s`, escaped. @example text("a<b", { x: 0, y: 10 }) // "<text x=\"0\" y=\"10\">a&lt;b</text>" @category operations */
export const text = (s: string, attrs: Attrs): string => el("text", attrs, escapeXml(s));

/**
 * An estimate of the width of `s` at font size `size`, in pixels (about 0.58 em per character of a
 * sans-serif font, 0.3 em for narrow ones): layout reserves this much room.
 *
 * @example textWidth("loss", 10) // 20.4
 * @category operations
 */
export const textWidth = (s: string, size: number): number => {
  let em = 0;
  for (const ch of s) em += " .,:;'|!iIl1()[]".includes(ch) ? 0.3 : /[A-Z@%mwMW—]/.test(ch) ? 0.8 : 0.58;
  return Math.round(em * size * 10) / 10;
};

/**
 * A standalone SVG document of `width × height` pixels with a white background; `title` becomes
 * the accessible `<title>`.
 *
 * @example svgDocument(10, 10, "", "empty").startsWith("<svg") // true
 * @category operations
 */
export const svgDocument = (width: number, height: number, body: string, title: string | undefined): string =>
  el(
    "svg",
    { xmlns: "http://www.w3.org/2000/svg", width, height, viewBox: `0 0 ${fmt(width)} ${fmt(height)}`, "font-family": FONT, "font-size": 11 },
    `${title === undefined ? "" : el("title", {}, escapeXml(title))}\n${el("rect", { width, height, fill: "#ffffff" })}\n${body}\n`,
  ) + "\n";
