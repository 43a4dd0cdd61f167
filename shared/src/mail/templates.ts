import type { MailMessage } from './mailer.ts';

/** What every e-mail says: who it is for, why, the one thing to do, and when it lapses. */
export interface MailContent {
  to: string;
  subject: string;
  /** Paragraphs before the button. */
  intro: string[];
  action: { label: string; url: string };
  /** Paragraphs after it (what happens if you ignore this). */
  outro: string[];
}

const PRODUCT = 'Dev Context';

/**
 * The plain-text and HTML bodies of one message, from one content. Every value is escaped
 * in the HTML; no image, no tracking pixel, no link but the action (written out too, for
 * a mail program that shows only text).
 */
export function composeMail(content: MailContent): MailMessage {
  const text = [
    ...content.intro,
    `${content.action.label}: ${content.action.url}`,
    ...content.outro,
    `— ${PRODUCT}`,
  ].join('\n\n');
  const paragraph = (line: string) => `<p>${escapeHtml(line)}</p>`;
  const url = escapeHtml(content.action.url);
  const html = `<!doctype html>
<html><body style="font-family: system-ui, sans-serif; line-height: 1.5; max-width: 36rem">
${content.intro.map(paragraph).join('\n')}
<p><a href="${url}" style="display: inline-block; padding: .6em 1.2em; background: #1d4ed8; color: #fff; text-decoration: none; border-radius: .3em">${escapeHtml(content.action.label)}</a></p>
<p style="font-size: .9em; color: #555">Or open this address: ${url}</p>
${content.outro.map(paragraph).join('\n')}
<p style="color: #555">— ${PRODUCT}</p>
</body></html>
`;
  return { to: content.to, subject: `${content.subject} — ${PRODUCT}`, text, html };
}

export function escapeHtml(text: string): string {
  return text.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c,
  );
}

/** Control characters and the ones that turn text's direction: invisible, yet they reshape text. */
const HIDDEN_CHARACTERS = /[\p{Cc}\u200e\u200f\u202a-\u202e\u2066-\u2069]/gu;

/** Whether a text holds any of them (for input that may not: names shown to others). */
export const hasHiddenCharacters = (text: string) => text.replace(HIDDEN_CHARACTERS, '') !== text;

/**
 * A value someone typed (a name, a tenant's name), fit to stand inside a mail's sentence:
 * control and bidirectional-override characters out, white space collapsed to one line, cut
 * to `max` characters. So nobody's name starts a new line or paragraph of the product's
 * mail, or turns its text right to left.
 */
export function mailValue(text: string, max = 80): string {
  const line = text.replace(HIDDEN_CHARACTERS, ' ').replace(/\s+/g, ' ').trim();
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}
