/**
 * Fonts for the PDFs (certificates, briefing summaries): Noto Sans from an npm package,
 * so every Vietnamese diacritic renders without a font on the machine.
 */
import { createRequire } from 'node:module';

const requireFile = createRequire(__filename);
export const FONT_REGULAR = requireFile.resolve('@expo-google-fonts/noto-sans/400Regular/NotoSans_400Regular.ttf');
export const FONT_BOLD = requireFile.resolve('@expo-google-fonts/noto-sans/700Bold/NotoSans_700Bold.ttf');

/**
 * Text options that keep the PDF's text layer exact: with fontkit's 'ccmp', Vietnamese
 * letters are split ("ị" into "i" + a combining dot) and the text layer then reads every
 * later "i" as "ị". Pass as `{ features: EXACT_TEXT }`.
 */
export const EXACT_TEXT = { ccmp: false } as unknown as PDFKit.Mixins.OpenTypeFeatures[];
