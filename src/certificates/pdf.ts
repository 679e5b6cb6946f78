/**
 * The certificate as an A4 landscape PDF (pdfkit), with Noto Sans embedded from an npm
 * package so every Vietnamese diacritic renders, the name as real text, and a QR code
 * of the verification URL.
 */
import PDFDocument from 'pdfkit';
import QRCode from 'qrcode';
import { formatDay, translate } from '../shared/i18n';
import { EXACT_TEXT, FONT_BOLD, FONT_REGULAR } from '../shared/pdf-fonts';

/** The paper is bilingual: each line in Vietnamese, then in English. */
const both = (key: string, params?: Record<string, string | number>) => `${translate('vi', key, params)} / ${translate('en', key, params)}`;

export interface CertificateContent {
  holderName: string;
  courseTitle: { vi: string; en: string };
  issuedAt: Date;
  issuer: { vi: string; en: string };
  serial: string;
  verifyUrl: string;
}

/** Writes the PDF to `out` (a response or a file stream) and ends the document. */
export async function writeCertificatePdf(c: CertificateContent, out: NodeJS.WritableStream): Promise<void> {
  const qr = await QRCode.toBuffer(c.verifyUrl, { type: 'png', errorCorrectionLevel: 'M', margin: 1, width: 240 });
  const doc = new PDFDocument({
    size: 'A4',
    layout: 'landscape',
    margin: 0,
    info: { Title: `${translate('vi', 'certificates.pdf.title')} — ${c.holderName}`, Author: c.issuer.vi, Subject: c.courseTitle.vi },
  });
  doc.pipe(out);
  doc.registerFont('regular', FONT_REGULAR);
  doc.registerFont('bold', FONT_BOLD);
  const W = doc.page.width;
  const H = doc.page.height;
  const brand = '#0b5cad';
  const accent = '#d7263d';

  doc.lineWidth(6).strokeColor(brand).rect(24, 24, W - 48, H - 48).stroke();
  doc.lineWidth(1.5).strokeColor(accent).rect(36, 36, W - 72, H - 72).stroke();

  const features = EXACT_TEXT;
  const center = (text: string, y: number, font: string, size: number, color = '#1b1f24') =>
    doc.font(font).fontSize(size).fillColor(color).text(text, 60, y, { width: W - 120, align: 'center', features });

  center(c.issuer.vi.toUpperCase(), 62, 'bold', 14, brand);
  center(c.issuer.en, 82, 'regular', 11, '#5a6470');
  center(translate('vi', 'certificates.pdf.title').toUpperCase(), 125, 'bold', 32, accent);
  center(translate('en', 'certificates.pdf.title'), 166, 'regular', 14, '#5a6470');
  center(both('certificates.pdf.certifies'), 205, 'regular', 13);
  center(c.holderName, 228, 'bold', 30, '#1b1f24');
  center(both('certificates.pdf.completed'), 280, 'regular', 13);
  center(c.courseTitle.vi, 305, 'bold', 20, brand);
  center(c.courseTitle.en, doc.y + 4, 'regular', 13, '#5a6470');

  const bottom = H - 150;
  doc.font('regular').fontSize(12).fillColor('#1b1f24');
  doc.text(`${both('certificates.pdf.issued')}: ${formatDay('vi', c.issuedAt)}`, 70, bottom + 20, { width: 420, features });
  doc.text(`${both('certificates.pdf.serial')}: ${c.serial}`, 70, bottom + 42, { width: 420, features });
  doc.fontSize(9).fillColor('#5a6470').text(`${both('certificates.pdf.verify')}: ${c.verifyUrl}`, 70, bottom + 66, { width: 460, features });
  doc.image(qr, W - 70 - 110, bottom - 10, { width: 110, height: 110 });

  const done = new Promise<void>((resolve, reject) => {
    out.once('finish', () => resolve());
    out.once('error', reject);
    doc.once('end', () => resolve());
  });
  doc.end();
  await done;
}
