export { Certificate, type CertificateDoc } from './certificate.model';
export { ensureCertificates, issueForCompletion, revokeCertificate, verifySerial, writeCertificatesOfPeopleZip } from './certificates.service';
export { checkSerial, generateSerial } from './serial';
export { writeCertificatePdf } from './pdf';
export { certificatesRoutes } from './certificates.routes';
