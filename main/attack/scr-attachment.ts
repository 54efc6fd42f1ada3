import { namedAttachmentAttack } from './named-attachment.js';

export default namedAttachmentAttack('scr-attachment', 'Executable: a .scr (screen saver) attachment', 'holiday.scr');
