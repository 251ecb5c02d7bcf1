/**
 * User-supplied text goes to the model as quoted data. Control characters and delimiter look-alikes are
 * removed so the text cannot close its own block and speak as the system.
 */
export function quoteUntrusted(text: string, maxLength = 2000): string {
  const cleaned = text
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/g, ' ')
    .replace(/<\/?user_text>/gi, '')
    .slice(0, maxLength);
  return `<user_text>\n${cleaned}\n</user_text>`;
}
