// The lab's names, shared by the lab itself and by the traffic generator (which may also be
// pointed at a separately started `mxaudit gateway --lab`, whose defaults these match).
export const LAB_HOSTNAME = 'mx.lab.test';
export const LAB_DOMAIN = 'lab.test';
export const LAB_USERS = ['alice', 'bob'].map((u) => `${u}@${LAB_DOMAIN}`);
export const LAB_GROUP = `all@${LAB_DOMAIN}`;
/** The lab's block list zone (listed: LAB_ADDRESSES.listed; RFC 5782 test point). */
export const LAB_BLOCK_LIST = 'bl.lab.test';
