// Tests start the product's own embedded DNS server with fixture zones (never the system resolver).
export { startLabDns, type LabDnsServer } from '../../main/dns/lab-dns-server.js';
export type { ZoneData } from '../../main/dns/zone-data.js';
