/** Script-based detection: reliable for the scripts we support, honest ("unknown") for the rest. */
const SCRIPTS: { tag: string; name: string; range: RegExp }[] = [
  { tag: 'bn', name: 'Bengali', range: /[\u0980-\u09FF]/g },
  { tag: 'hi', name: 'Hindi', range: /[\u0900-\u097F]/g },
  { tag: 'ar', name: 'Arabic', range: /[\u0600-\u06FF]/g },
  { tag: 'ur', name: 'Urdu', range: /[\u0750-\u077F]/g },
  { tag: 'zh', name: 'Chinese', range: /[\u4E00-\u9FFF]/g },
];

export interface DetectedLanguage {
  tag: string;
  name: string;
}

export function detectLanguage(text: string): DetectedLanguage | null {
  const letters = (text.match(/\p{L}/gu) ?? []).length;
  if (letters === 0) return null;
  for (const script of SCRIPTS) {
    const n = (text.match(script.range) ?? []).length;
    if (n / letters >= 0.3) return { tag: script.tag, name: script.name };
  }
  const latin = (text.match(/[A-Za-z]/g) ?? []).length;
  // Latin script alone cannot tell English from Spanish; only plain ASCII prose is called English.
  if (latin / letters >= 0.9 && /\b(the|and|is|my|how|what|can|i|you|to)\b/i.test(text))
    return { tag: 'en', name: 'English' };
  return null;
}

export function languageName(tag: string | null | undefined): string | null {
  if (!tag) return null;
  return SCRIPTS.find((s) => s.tag === tag)?.name ?? (tag === 'en' ? 'English' : null);
}
