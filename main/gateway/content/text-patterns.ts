// What the content layers look for in message text, shared by the MIME walk and its shortcut.
export const GTUBE = 'XJS*C4JDBQADN1.NSBN3*2IDNEN*GTUBE-STANDARD-ANTI-UBE-TEST-EMAIL*C.34X';
export const EICAR = 'X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*';
/** URLs kept per message: enough for the rules, bounded for hostile bodies. */
export const MAX_URLS = 200;
/** A run of URL characters longer than this is scanned as it is, not carried further. */
export const URL_WINDOW = 8192;
export const URL_RE = /\bhttps?:\/\/[^\s"'<>()[\]{}]+/gi;
