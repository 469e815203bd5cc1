// Shortening names for SmugMug's length limits without leaving half a character behind.

const graphemes = new Intl.Segmenter('en', { granularity: 'grapheme' });

/**
 * The longest prefix of `text` that is at most `maxUnits` UTF-16 code units long and ends on a
 * grapheme boundary, so an emoji (even a ZWJ family or a flag) is kept whole or dropped whole.
 * Trailing whitespace left by the cut is removed.
 */
export function clipText(text: string, maxUnits: number): string {
  if (text.length <= maxUnits) return text;
  let end = 0;
  for (const { segment } of graphemes.segment(text)) {
    if (end + segment.length > maxUnits) break;
    end += segment.length;
  }
  // A single grapheme longer than the limit (a letter with hundreds of combining marks) can only
  // be cut inside; code points still keep surrogate pairs together.
  if (end === 0) {
    for (const codePoint of text) {
      if (end + codePoint.length > maxUnits) break;
      end += codePoint.length;
    }
  }
  return text.slice(0, end).trimEnd();
}
