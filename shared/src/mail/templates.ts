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
