import { namedAttachmentAttack } from './named-attachment.js';

export default namedAttachmentAttack('exe-attachment', 'Executable: an .exe attachment', 'invoice.exe');
