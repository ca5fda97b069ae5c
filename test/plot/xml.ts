/**
 * A small, strict XML parser for the plot tests: it accepts one root element with attributes,
 * text and the five predefined entities (plus numeric references), and throws on anything else
 * (unbalanced or mismatched tags, a raw `<` or `&` in text or attributes, duplicate attributes,
 * unknown entities, text outside the root). Text and attribute values come back decoded.
 */

export interface XmlNode {
  readonly tag: string;
  readonly attrs: Readonly<Record<string, string>>;
  readonly children: readonly XmlNode[];
  /** The decoded text directly inside this element, pieces joined. */
  readonly text: string;
}

const ENTITIES: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'" };

const decode = (s: string, where: string): string =>
  s.replace(/&([^;&<]*);|&/g, (all, name: string | undefined) => {
    if (name === undefined) throw new Error(`xml: raw '&' in ${where}`);
    if (name in ENTITIES) return ENTITIES[name] as string;
    const num = /^#(\d+)$/.exec(name) ?? /^#x([0-9a-fA-F]+)$/.exec(name);
    if (num) return String.fromCodePoint(Number.parseInt(num[1] as string, name.startsWith("#x") ? 16 : 10));
    throw new Error(`xml: unknown entity '${all}' in ${where}`);
  });

const NAME = /^[A-Za-z_:][-A-Za-z0-9_:.]*/;
/** The characters XML 1.0 forbids (control characters, lone surrogates, U+FFFE, U+FFFF). */
// biome-ignore lint/suspicious/noControlCharactersInRegex: XML forbids these characters
export const FORBIDDEN = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Parses `src` as one XML element (optionally surrounded by whitespace); throws when it is not well-formed. */
export const parseXml = (src: string): XmlNode => {
  if (new RegExp(FORBIDDEN.source).test(src)) throw new Error("xml: a character XML forbids");
  let i = 0;
  const fail = (what: string): never => {
    throw new Error(`xml: ${what} at offset ${i}: ${JSON.stringify(src.slice(i, i + 40))}`);
  };
  const skipSpace = (): void => {
    while (i < src.length && /\s/.test(src[i] as string)) i++;
  };
  const name = (): string => {
    const m = NAME.exec(src.slice(i, i + 200));
    if (!m) fail("expected a name");
    i += (m as RegExpExecArray)[0].length;
    return (m as RegExpExecArray)[0];
  };
  const element = (): XmlNode => {
    if (src[i] !== "<") fail("expected '<'");
    i++;
    const tag = name();
    const attrs: Record<string, string> = {};
    for (;;) {
      const before = i;
      skipSpace();
      if (src.startsWith("/>", i)) {
        i += 2;
        return { tag, attrs, children: [], text: "" };
      }
      if (src[i] === ">") {
        i++;
        break;
      }
      if (i === before) fail("expected whitespace before an attribute");
      const key = name();
      if (key in attrs) fail(`duplicate attribute '${key}'`);
      skipSpace();
      if (src[i] !== "=") fail("expected '='");
      i++;
      skipSpace();
      const q = src[i];
      if (q !== '"' && q !== "'") fail("expected a quoted value");
      const end = src.indexOf(q as string, i + 1);
      if (end < 0) fail("unterminated attribute");
      const raw = src.slice(i + 1, end);
      if (raw.includes("<")) fail("raw '<' in an attribute");
      attrs[key] = decode(raw, `attribute '${key}'`);
      i = end + 1;
    }
    const children: XmlNode[] = [];
    let text = "";
    for (;;) {
      if (i >= src.length) fail(`unclosed <${tag}>`);
      if (src.startsWith("</", i)) {
        i += 2;
        const close = name();
        if (close !== tag) fail(`</${close}> closes <${tag}>`);
        skipSpace();
        if (src[i] !== ">") fail("expected '>'");
        i++;
        return { tag, attrs, children, text };
      }
      if (src[i] === "<") {
        children.push(element());
        continue;
      }
      const next = src.indexOf("<", i);
      const raw = src.slice(i, next < 0 ? src.length : next);
      if (raw.includes(">") && raw.includes("]]>")) fail("']]>' in text");
      text += decode(raw, `text of <${tag}>`);
      i += raw.length;
    }
  };
  skipSpace();
  const root = element();
  skipSpace();
  if (i !== src.length) fail("content after the root element");
  return root;
};

/** Every element of the tree, depth first. */
export const allNodes = (n: XmlNode): XmlNode[] => [n, ...n.children.flatMap(allNodes)];

/** The decoded text of every `<text>` element. */
export const texts = (n: XmlNode): string[] =>
  allNodes(n)
    .filter((e) => e.tag === "text")
    .map((e) => e.text);

/** The rectangles of run-length path data `Mx yhWvHh-Wz…`, as `[x, y, width, height]`. */
export const runRects = (d: string): [number, number, number, number][] => {
  const out: [number, number, number, number][] = [];
  const re = /M(-?[\d.]+) (-?[\d.]+)h([\d.]+)v([\d.]+)h-([\d.]+)z/g;
  let consumed = 0;
  for (let m = re.exec(d); m !== null; m = re.exec(d)) {
    if (m.index !== consumed) throw new Error(`runRects: unexpected path data at ${consumed}: ${d.slice(consumed, consumed + 30)}`);
    consumed = m.index + m[0].length;
    if (m[3] !== m[5]) throw new Error(`runRects: a run that does not close: ${m[0]}`);
    out.push([Number(m[1]), Number(m[2]), Number(m[3]), Number(m[4])]);
  }
  if (consumed !== d.length) throw new Error(`runRects: unexpected path data at ${consumed}`);
  return out;
};

/**
 * True when `step` is 1, 2 or 5 times a power of ten, its mantissa within 1e-6, plus `rel` of it
 * (the relative error of a step read as the difference of two large values, where the doubles
 * nearest the decimals hold fewer digits of the step).
 */
export const isNiceStep = (step: number, rel = 0): boolean => {
  const p = Math.floor(Math.log10(step) + 1e-9);
  const m = step / 10 ** p;
  return [1, 2, 5, 10].some((k) => Math.abs(m - k) < 1e-6 + rel * k);
};
