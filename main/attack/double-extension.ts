import { namedAttachmentAttack } from './named-attachment.js';

export default namedAttachmentAttack('double-extension', 'Executable: a double-extension attachment (invoice.pdf.vbs)', 'invoice.pdf.vbs', 'application/pdf');
