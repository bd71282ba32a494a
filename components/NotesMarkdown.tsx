"use client";
// Discussion notes in a small Markdown subset: emphasis, lists, links and quotes. Raw HTML in
// the text is dropped (skipHtml), anything outside the subset is unwrapped to its text, and the
// sanitiser keeps only safe link targets, so `<img onerror>` or a `javascript:` link in a note
// cannot run on the projector or a phone.
import Markdown from "react-markdown";
import rehypeSanitize, { defaultSchema } from "rehype-sanitize";

const ALLOWED = ["p", "em", "strong", "ul", "ol", "li", "a", "blockquote", "br", "code", "del"];

const schema = {
  ...defaultSchema,
  tagNames: ALLOWED,
  attributes: { a: ["href"], ol: ["start"] },
  protocols: { href: ["http", "https", "mailto"] },
  clobberPrefix: "note-",
};

export default function NotesMarkdown({ text }: { text: string }) {
  return (
    <Markdown
      skipHtml
      allowedElements={ALLOWED}
      unwrapDisallowed
      rehypePlugins={[[rehypeSanitize, schema]]}
      components={{
        a: ({ href, children }) =>
          href ? (
            <a href={href} target="_blank" rel="noopener noreferrer nofollow">
              {children}
            </a>
          ) : (
            <>{children}</>
          ),
      }}
    >
      {text}
    </Markdown>
  );
}
