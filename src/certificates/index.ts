export type { CertificateDoc } from './certificate.model';
export { certificatesFollowHolders, certifyCompletion, issueForCompletion, myCertificates, revokeCertificate, writeCertificatesOfPeopleZip } from './certificates.service';
export { checkSerial, generateSerial } from './serial';
export { certificatesRoutes } from './certificates.routes';
export { certificatesFeature } from './feature';
